package dev.latchkey.core.catalogue;

import dev.latchkey.core.account.Account;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The catalogue at one moment: every API with its scopes, and the restricted scopes granted to each
 * account. Answers who may allow which scope on a client: an admin any scope (also one outside the
 * catalogue), a developer the public scopes and the restricted ones granted to them.
 */
public record Catalogue(List<Api> apis, Map<String, Set<String>> grants) {

    public Catalogue {
        apis = List.copyOf(apis);
        grants = Map.copyOf(grants);
    }

    public Optional<ApiScope> scope(String value) {
        for (Api api : apis) {
            for (ApiScope scope : api.scopes()) {
                if (scope.value().equals(value)) {
                    return Optional.of(scope);
                }
            }
        }
        return Optional.empty();
    }

    public Optional<Api> apiOf(String scope) {
        return scope(scope).flatMap(found -> apis.stream().filter(api -> api.apiId().equals(found.apiId())).findFirst());
    }

    /** True if {@code account} may allow {@code scope} on a client it owns. */
    public boolean mayAllow(Account account, String scope) {
        if (account.isAdmin()) {
            return true;
        }
        return scope(scope).map(found -> !found.restricted()
                || grants.getOrDefault(account.accountId(), Set.of()).contains(scope)).orElse(false);
    }

    /** The scopes of each API that {@code account} may allow, by API, in catalogue order. */
    public Map<Api, List<ApiScope>> allowedFor(Account account) {
        Map<Api, List<ApiScope>> allowed = new LinkedHashMap<>();
        for (Api api : apis) {
            List<ApiScope> scopes = api.scopes().stream().filter(s -> mayAllow(account, s.value())).toList();
            if (!scopes.isEmpty()) {
                allowed.put(api, scopes);
            }
        }
        return allowed;
    }
}
