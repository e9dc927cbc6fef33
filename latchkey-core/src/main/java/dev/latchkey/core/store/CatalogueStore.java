package dev.latchkey.core.store;

import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.catalogue.Api;
import dev.latchkey.core.catalogue.Catalogue;
import dev.latchkey.core.catalogue.ApiScope;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The catalogue of APIs and their scopes, and who may use the restricted ones. Thread-safe. */
public interface CatalogueStore {

    /** Every API with its scopes, by name: catalogues are small. */
    List<Api> apis();

    Optional<Api> api(String apiId);

    /** Adds an API and its scopes; fails with {@link StoreUnavailableException} on a taken identifier or scope. */
    void insertApi(Api api, AuditEvent audit);

    /** Replaces the API's name, description and scopes (identifier kept); false if absent. */
    boolean updateApi(Api api, AuditEvent audit);

    boolean deleteApi(String apiId, AuditEvent audit);

    /** Every scope of the catalogue, by value. */
    Map<String, ApiScope> scopes();

    /** The restricted scopes granted to each account. */
    Map<String, Set<String>> grants();

    /** Every change takes {@code audit}, appended in the same transaction. */
    void grant(String scope, String accountId, AuditEvent audit);

    boolean revoke(String scope, String accountId, AuditEvent audit);

    /** Everything this store holds as one value, for the pages. */
    default Catalogue snapshot() {
        return new Catalogue(apis(), grants());
    }
}
