package dev.latchkey.core.store.memory;

import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.catalogue.Api;
import dev.latchkey.core.catalogue.ApiScope;
import dev.latchkey.core.store.CatalogueStore;
import dev.latchkey.core.store.StoreUnavailableException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The catalogue in memory, under the lock of its {@link InMemoryStores}. */
final class MemoryCatalogue implements CatalogueStore {

    private final Object lock;
    private final MemoryAudit audit;
    private final Map<String, Api> apis = new HashMap<>();
    /** Account id to the restricted scopes granted to it. */
    private final Map<String, Set<String>> grants = new HashMap<>();

    MemoryCatalogue(Object lock, MemoryAudit audit) {
        this.lock = lock;
        this.audit = audit;
    }

    @Override
    public List<Api> apis() {
        synchronized (lock) {
            return apis.values().stream()
                    .map(api -> api.withScopes(api.scopes().stream().sorted(Comparator.comparing(ApiScope::value)).toList()))
                    .sorted(Comparator.comparing(Api::name).thenComparing(Api::apiId)).toList();
        }
    }

    @Override
    public Optional<Api> api(String apiId) {
        synchronized (lock) {
            return apis().stream().filter(api -> api.apiId().equals(apiId)).findFirst();
        }
    }

    @Override
    public void insertApi(Api api, AuditEvent event) {
        synchronized (lock) {
            if (apis.containsKey(api.apiId())
                    || apis.values().stream().anyMatch(other -> other.identifier().equals(api.identifier()))) {
                throw new StoreUnavailableException("duplicate key", null);
            }
            requireScopesFree(api);
            apis.put(api.apiId(), api);
            audit.appendIfAny(event);
        }
    }

    @Override
    public boolean updateApi(Api api, AuditEvent event) {
        synchronized (lock) {
            Api current = apis.get(api.apiId());
            if (current == null) {
                return false;
            }
            requireScopesFree(api);
            apis.put(api.apiId(), new Api(current.apiId(), api.name(), current.identifier(), api.description(),
                    current.createdAt(), api.scopes()));
            dropOrphanGrants();
            audit.appendIfAny(event);
            return true;
        }
    }

    @Override
    public boolean deleteApi(String apiId, AuditEvent event) {
        synchronized (lock) {
            if (apis.remove(apiId) == null) {
                return false;
            }
            dropOrphanGrants();
            audit.appendIfAny(event);
            return true;
        }
    }

    @Override
    public Map<String, ApiScope> scopes() {
        synchronized (lock) {
            Map<String, ApiScope> scopes = new TreeMap<>();
            apis.values().forEach(api -> api.scopes().forEach(scope -> scopes.put(scope.value(), scope)));
            return new LinkedHashMap<>(scopes);
        }
    }

    @Override
    public Map<String, Set<String>> grants() {
        synchronized (lock) {
            Map<String, Set<String>> copy = new HashMap<>();
            grants.forEach((account, scopes) -> copy.put(account, Set.copyOf(scopes)));
            return copy;
        }
    }

    @Override
    public void grant(String scope, String accountId, AuditEvent event) {
        synchronized (lock) {
            grants.computeIfAbsent(accountId, id -> new HashSet<>()).add(scope);
            audit.appendIfAny(event);
        }
    }

    @Override
    public boolean revoke(String scope, String accountId, AuditEvent event) {
        synchronized (lock) {
            Set<String> granted = grants.get(accountId);
            if (granted == null || !granted.remove(scope)) {
                return false;
            }
            audit.appendIfAny(event);
            return true;
        }
    }

    /** A scope value names one scope of one API across the catalogue (the table's key). */
    private void requireScopesFree(Api api) {
        for (ApiScope scope : api.scopes()) {
            boolean taken = apis.values().stream().filter(other -> !other.apiId().equals(api.apiId()))
                    .anyMatch(other -> other.scopes().stream().anyMatch(s -> s.value().equals(scope.value())));
            if (taken) {
                throw new StoreUnavailableException("duplicate key", null);
            }
        }
    }

    private void dropOrphanGrants() {
        Set<String> existing = scopes().keySet();
        grants.values().forEach(scopes -> scopes.retainAll(existing));
    }
}
