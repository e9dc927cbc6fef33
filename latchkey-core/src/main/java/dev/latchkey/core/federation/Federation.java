package dev.latchkey.core.federation;

import dev.latchkey.core.client.ClientKeys;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.error.OAuthException;
import dev.latchkey.core.scope.Scope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The external issuers an operator trusts, read from its federation file ({@code --federation}):
 *
 * <pre>{@code
 * {"issuers": [{
 *    "issuer": "https://token.actions.githubusercontent.com",
 *    "jwks_uri": "https://token.actions.githubusercontent.com/.well-known/jwks",
 *    "audiences": ["https://auth.example.com"],
 *    "rules": [{"client_id": "deployer", "scope": "deploy",
 *               "claims": {"repository": "acme/api", "ref": "refs/heads/main"}}]}]}
 * }</pre>
 *
 * Every member is checked and an unknown one refused (a misspelt {@code claims} must not make a rule
 * match every token): {@link #parse} throws an {@link IllegalArgumentException} naming the member.
 * Immutable.
 */
public record Federation(Map<String, TrustedIssuer> issuers) {

    public static final Federation NONE = new Federation(Map.of());
    static final int MAX_ISSUERS = 100;
    static final int MAX_RULES = 1000;
    /** Claims that differ in every token: a rule on them could never mean what it says. */
    static final Set<String> UNMATCHABLE = Set.of("exp", "iat", "nbf", "jti");
    private static final Set<String> ISSUER_MEMBERS = Set.of("issuer", "jwks_uri", "jwks", "audiences", "rules");
    private static final Set<String> RULE_MEMBERS = Set.of("client_id", "claims", "scope");

    public Federation {
        issuers = Map.copyOf(issuers);
    }

    public boolean isEmpty() {
        return issuers.isEmpty();
    }

    public Optional<TrustedIssuer> issuer(String iss) {
        return iss == null ? Optional.empty() : Optional.ofNullable(issuers.get(iss));
    }

    /** The federation file, decoded to maps, lists, strings, numbers and booleans. */
    public static Federation parse(Map<String, ?> json) {
        only(json, Set.of("issuers"), "the federation file");
        List<?> entries = list(json.get("issuers"), "issuers");
        if (entries.size() > MAX_ISSUERS) {
            throw new IllegalArgumentException("issuers: at most " + MAX_ISSUERS + " entries");
        }
        Map<String, TrustedIssuer> issuers = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            TrustedIssuer issuer = issuer(object(entries.get(i), "issuers[" + i + "]"), "issuers[" + i + "]");
            if (issuers.put(issuer.issuer(), issuer) != null) {
                throw new IllegalArgumentException("issuers[" + i + "]: issuer " + issuer.issuer() + " is listed twice");
            }
        }
        return new Federation(issuers);
    }

    private static TrustedIssuer issuer(Map<String, ?> json, String where) {
        only(json, ISSUER_MEMBERS, where);
        String issuer = string(json.get("issuer"), where + ".issuer");
        if (!json.containsKey("jwks") && !json.containsKey("jwks_uri")) {
            throw new IllegalArgumentException(where + ": give the issuer's keys, jwks_uri or jwks");
        }
        ClientKeys keys;
        try {
            keys = ClientKeys.keys(json);
        } catch (OAuthException e) {
            throw new IllegalArgumentException(where + ": " + e.error().description());
        }
        List<String> audiences = new ArrayList<>();
        if (json.containsKey("audiences")) {
            List<?> values = list(json.get("audiences"), where + ".audiences");
            for (int i = 0; i < values.size(); i++) {
                audiences.add(string(values.get(i), where + ".audiences[" + i + "]"));
            }
        }
        List<?> entries = list(json.get("rules"), where + ".rules");
        if (entries.size() > MAX_RULES) {
            throw new IllegalArgumentException(where + ".rules: at most " + MAX_RULES + " entries");
        }
        List<FederationRule> rules = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            rules.add(rule(object(entries.get(i), where + ".rules[" + i + "]"), where + ".rules[" + i + "]"));
        }
        return new TrustedIssuer(issuer, keys.jwksUri(), keys.jwks() == null ? null : keys.jwkSet(), audiences, rules);
    }

    private static FederationRule rule(Map<String, ?> json, String where) {
        only(json, RULE_MEMBERS, where);
        String clientId = string(json.get("client_id"), where + ".client_id");
        Map<String, ?> claims = object(json.get("claims"), where + ".claims");
        if (claims.isEmpty()) {
            // A rule on no claim would give every token of the issuer (every repository of a CI
            // service, every service account of a cluster) the client's rights.
            throw new IllegalArgumentException(where + ".claims: name at least one claim to match");
        }
        Map<String, String> wanted = new LinkedHashMap<>();
        for (Map.Entry<String, ?> claim : claims.entrySet()) {
            if (UNMATCHABLE.contains(claim.getKey())) {
                throw new IllegalArgumentException(where + ".claims." + claim.getKey()
                        + ": changes with every token, so it cannot be matched");
            }
            Object value = claim.getValue();
            if (!(value instanceof String || value instanceof Number || value instanceof Boolean)
                    || String.valueOf(value).isEmpty()) {
                throw new IllegalArgumentException(where + ".claims." + claim.getKey()
                        + ": must be a string, number or boolean to compare exactly (no wildcards)");
            }
            wanted.put(claim.getKey(), String.valueOf(value));
        }
        Optional<Scope> scope = Optional.empty();
        if (json.containsKey("scope")) {
            try {
                scope = Optional.of(Scope.parse(string(json.get("scope"), where + ".scope"), OAuthError.INVALID_SCOPE));
            } catch (OAuthException e) {
                throw new IllegalArgumentException(where + ".scope: " + e.error().description());
            }
        }
        return new FederationRule(clientId, wanted, scope);
    }

    private static void only(Map<String, ?> json, Set<String> members, String where) {
        for (String member : json.keySet()) {
            if (!members.contains(member)) {
                throw new IllegalArgumentException(where + ": unknown member " + member + " (expected "
                        + String.join(", ", members.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String string(Object value, String where) {
        if (!(value instanceof String text) || text.isBlank() || text.length() > 2048) {
            throw new IllegalArgumentException(where + ": must be a non-empty string");
        }
        return text;
    }

    private static List<?> list(Object value, String where) {
        if (!(value instanceof List<?> values) || values.isEmpty()) {
            throw new IllegalArgumentException(where + ": must be a non-empty array");
        }
        return values;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> object(Object value, String where) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(where + ": must be an object");
        }
        return (Map<String, ?>) map;
    }
}
