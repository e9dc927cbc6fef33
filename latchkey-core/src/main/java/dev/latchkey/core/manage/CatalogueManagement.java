package dev.latchkey.core.manage;

import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.audit.AuditEvents;

import dev.latchkey.core.catalogue.Api;
import dev.latchkey.core.catalogue.ApiScope;
import dev.latchkey.core.catalogue.Catalogue;
import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.error.OAuthException;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.store.AccountStore;
import dev.latchkey.core.store.CatalogueStore;
import java.net.URI;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The catalogue of APIs and scopes, managed by admins: create and edit APIs and their scopes, mark
 * scopes restricted, grant restricted scopes to developers. Everyone signed in may read it (a
 * developer sees what they may allow). Every change writes one audit entry. Thread-safe.
 */
public final class CatalogueManagement {

    /** A scope as a request describes it. */
    public record ScopeSpec(String value, String description, boolean restricted) {
    }

    private static final int MAX_TEXT = 500;

    private final CatalogueStore catalogue;
    private final AccountStore accounts;
    private final AuditEvents audits;
    private final Clock clock;

    public CatalogueManagement(CatalogueStore catalogue, AccountStore accounts, Clock clock) {
        this.catalogue = catalogue;
        this.accounts = accounts;
        this.audits = new AuditEvents(clock);
        this.clock = clock;
    }

    public Catalogue snapshot() {
        return catalogue.snapshot();
    }

    public Api api(String apiId) {
        return catalogue.api(apiId).orElseThrow(() -> ManagementException.notFound("API"));
    }

    public Api create(Actor actor, String name, String identifier, String description, List<ScopeSpec> scopes) {
        requireAdmin(actor);
        String apiId = "api_" + Secrets.random128();
        Api api = new Api(apiId, text("name", name, true), uri(identifier), text("description", description, false),
                clock.instant().truncatedTo(ChronoUnit.SECONDS), scopes(apiId, scopes, Set.of()));
        catalogue.insertApi(api, audits.event(actor, "api.create", "api", apiId, null, null, AuditEvents.describe(api)));
        return api;
    }

    /** Replaces the API's name, description and scopes; its identifier stays (tokens carry it). */
    public Api update(Actor actor, String apiId, String name, String description, List<ScopeSpec> scopes) {
        requireAdmin(actor);
        Api before = api(apiId);
        Set<String> own = new HashSet<>();
        before.scopes().forEach(scope -> own.add(scope.value()));
        Api after = new Api(apiId, text("name", name, true), before.identifier(), text("description", description, false),
                before.createdAt(), scopes(apiId, scopes, own));
        catalogue.updateApi(after, audits.event(actor, "api.update", "api", apiId, null, AuditEvents.describe(before),
                AuditEvents.describe(after)));
        return after;
    }

    public void delete(Actor actor, String apiId) {
        requireAdmin(actor);
        Api before = api(apiId);
        catalogue.deleteApi(apiId, audits.event(actor, "api.delete", "api", apiId, null, AuditEvents.describe(before), null));
    }

    /** Lets a developer allow a restricted scope on their clients. */
    public void grant(Actor actor, String scope, String accountId) {
        requireAdmin(actor);
        requireRestricted(scope);
        accounts.find(accountId).orElseThrow(() -> ManagementException.notFound("account"));
        catalogue.grant(scope, accountId, audits.event(actor, "scope.grant", "scope", scope, null, null,
                java.util.Map.of("account_id", accountId)));
    }

    public void revokeGrant(Actor actor, String scope, String accountId) {
        requireAdmin(actor);
        if (!catalogue.revoke(scope, accountId, audits.event(actor, "scope.revoke", "scope", scope, null,
                java.util.Map.of("account_id", accountId), null))) {
            throw ManagementException.notFound("grant");
        }
    }

    private void requireRestricted(String scope) {
        ApiScope found = catalogue.scopes().get(scope);
        if (found == null) {
            throw ManagementException.notFound("scope");
        }
        if (!found.restricted()) {
            throw ManagementException.invalid("scope " + scope + " is public: every developer may allow it already");
        }
    }

    private List<ApiScope> scopes(String apiId, List<ScopeSpec> specs, Set<String> ownScopes) {
        Set<String> seen = new HashSet<>();
        var existing = catalogue.scopes();
        return specs.stream().map(spec -> {
            String value = spec.value() == null ? "" : spec.value().strip();
            try {
                Scope parsed = Scope.parse(value, OAuthError.INVALID_REQUEST);
                if (parsed.values().size() != 1) {
                    throw ManagementException.invalid("each scope is one scope token");
                }
            } catch (OAuthException e) {
                throw ManagementException.invalid("scope " + value + ": " + e.error().description());
            }
            if (!seen.add(value)) {
                throw ManagementException.invalid("scope " + value + " is listed twice");
            }
            ApiScope other = existing.get(value);
            if (other != null && !other.apiId().equals(apiId) && !ownScopes.contains(value)) {
                throw ManagementException.conflict("scope " + value + " belongs to another API");
            }
            return new ApiScope(value, apiId, text("scope description", spec.description(), false), spec.restricted());
        }).toList();
    }

    private static URI uri(String identifier) {
        try {
            URI uri = ClientMetadata.resourceUri(identifier == null ? "" : identifier.strip(),
                    OAuthError.INVALID_REQUEST);
            if (uri.toString().length() > ClientMetadata.MAX_RESOURCE_CHARS) {
                throw ManagementException.invalid("the identifier is longer than "
                        + ClientMetadata.MAX_RESOURCE_CHARS + " characters");
            }
            return uri;
        } catch (OAuthException e) {
            throw ManagementException.invalid("the identifier must be an absolute URI without a fragment");
        }
    }

    private static String text(String what, String value, boolean required) {
        String stripped = value == null ? "" : value.strip();
        if (required && stripped.isEmpty()) {
            throw ManagementException.invalid("the " + what + " is required");
        }
        if (stripped.length() > MAX_TEXT) {
            throw ManagementException.invalid("the " + what + " is longer than " + MAX_TEXT + " characters");
        }
        return stripped;
    }

    private static void requireAdmin(Actor actor) {
        if (!actor.admin()) {
            throw ManagementException.forbidden("only an admin may do this");
        }
    }
}
