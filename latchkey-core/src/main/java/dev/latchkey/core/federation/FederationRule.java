package dev.latchkey.core.federation;

import dev.latchkey.core.scope.Scope;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * One rule of a trusted issuer: a JWT whose claims hold every one of {@code claims} exactly acts as
 * the client {@code clientId}, with at most {@code scope} (empty: the client's whole scope). A claim
 * matches when it is that string (numbers and booleans compared as their JSON text), or an array
 * holding it; nothing else matches, and there are no wildcards: for a CI system's tokens name the
 * repository and branch, for a Kubernetes service-account token its {@code sub}
 * ({@code system:serviceaccount:NAMESPACE:NAME}). Immutable.
 *
 * <p>Wire example: {@code {"client_id": "deployer", "claims": {"repository": "acme/api",
 * "ref": "refs/heads/main"}, "scope": "deploy"}}
 */
public record FederationRule(String clientId, Map<String, String> claims, Optional<Scope> scope) {

    public FederationRule {
        claims = Map.copyOf(claims);
    }

    /** Whether a JWT with these claims (as Nimbus decodes them) satisfies the rule. */
    public boolean matches(Map<String, Object> presented) {
        for (Map.Entry<String, String> wanted : claims.entrySet()) {
            if (!holds(presented.get(wanted.getKey()), wanted.getValue())) {
                return false;
            }
        }
        return true;
    }

    private static boolean holds(Object value, String wanted) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return wanted.equals(String.valueOf(value));
        }
        if (value instanceof Collection<?> values) {
            return values.stream().anyMatch(element -> (element instanceof String || element instanceof Number
                    || element instanceof Boolean) && wanted.equals(String.valueOf(element)));
        }
        return false;
    }
}
