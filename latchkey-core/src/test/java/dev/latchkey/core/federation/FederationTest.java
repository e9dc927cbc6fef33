package dev.latchkey.core.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The operator's federation file: every member checked, nothing that could make a rule match too much. */
class FederationTest {

    static Map<String, Object> rule() {
        return new HashMap<>(Map.of("client_id", "deployer", "claims", Map.of("repository", "acme/api",
                "ref", "refs/heads/main"), "scope", "deploy"));
    }

    static Map<String, Object> issuer() {
        return new HashMap<>(Map.of("issuer", "https://ci.example", "jwks_uri", "https://ci.example/jwks",
                "rules", List.of(rule())));
    }

    static Map<String, Object> file(Map<String, Object> issuer) {
        return Map.of("issuers", List.of(issuer));
    }

    @Test
    void aValidFileIsReadWithItsRulesInOrder() {
        Map<String, Object> second = rule();
        second.put("client_id", "reader");
        second.remove("scope");
        Map<String, Object> entry = issuer();
        entry.put("rules", List.of(rule(), second));
        entry.put("audiences", List.of("latchkey"));
        Federation federation = Federation.parse(file(entry));

        TrustedIssuer trusted = federation.issuer("https://ci.example").orElseThrow();
        assertThat(trusted.jwksUri()).hasToString("https://ci.example/jwks");
        assertThat(trusted.audiences()).containsExactly("latchkey");
        assertThat(trusted.rules()).extracting(FederationRule::clientId).containsExactly("deployer", "reader");
        assertThat(trusted.rules().get(0).scope()).map(Object::toString).isPresent();
        assertThat(trusted.rules().get(1).scope()).isEmpty();
        assertThat(federation.issuer("https://other.example")).isEmpty();
        assertThat(federation.issuer(null)).isEmpty();
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                bad("no issuers", entry -> entry.clear(), "issuer"),
                bad("a misspelt member", entry -> entry.put("rule", List.of()), "unknown member rule"),
                bad("no keys", entry -> entry.remove("jwks_uri"), "jwks_uri or jwks"),
                bad("plain http keys elsewhere", entry -> entry.put("jwks_uri", "http://ci.example/jwks"), "https"),
                bad("a private key inline", entry -> {
                    entry.remove("jwks_uri");
                    entry.put("jwks", Map.of("keys", List.of(Map.of("kty", "EC", "crv", "P-256",
                            "x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                            "y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
                            "d", "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"))));
                }, "public keys only"),
                bad("no rules", entry -> entry.put("rules", List.of()), "rules"),
                bad("a rule on no claim", entry -> entry.put("rules", List.of(with(rule(), "claims", Map.of()))),
                        "at least one claim"),
                bad("a rule without a client", entry -> entry.put("rules", List.of(without(rule(), "client_id"))),
                        "client_id"),
                bad("a wildcard-looking object claim", entry -> entry.put("rules", List.of(with(rule(), "claims",
                        Map.of("repository", Map.of("prefix", "acme/"))))), "compare exactly"),
                bad("a claim that changes every time", entry -> entry.put("rules", List.of(with(rule(), "claims",
                        Map.of("jti", "1")))), "changes with every token"),
                bad("a misspelt rule member", entry -> entry.put("rules", List.of(with(rule(), "claim",
                        Map.of("sub", "x")))), "unknown member claim"),
                bad("a bad scope", entry -> entry.put("rules", List.of(with(rule(), "scope", "a\"b"))), "scope"),
                bad("an empty audience", entry -> entry.put("audiences", List.of("")), "audiences[0]"));
    }

    private static Arguments bad(String name, Consumer<Map<String, Object>> change, String message) {
        Map<String, Object> entry = issuer();
        change.accept(entry);
        return Arguments.of(name, file(entry), message);
    }

    private static Map<String, Object> with(Map<String, Object> map, String key, Object value) {
        map.put(key, value);
        return map;
    }

    private static Map<String, Object> without(Map<String, Object> map, String key) {
        map.remove(key);
        return map;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void aBadFileIsRefusedNamingWhatIsWrong(String name, Map<String, Object> json, String message) {
        assertThatThrownBy(() -> Federation.parse(json)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message).hasMessageContaining("issuers[0]");
    }

    @Test
    void anIssuerListedTwiceOrNoneAtAllIsRefused() {
        assertThatThrownBy(() -> Federation.parse(Map.of("issuers", List.of(issuer(), issuer()))))
                .hasMessageContaining("listed twice");
        assertThatThrownBy(() -> Federation.parse(Map.of("issuers", List.of()))).hasMessageContaining("issuers");
        assertThatThrownBy(() -> Federation.parse(Map.of("trusted", List.of()))).hasMessageContaining("unknown member");
    }

    @Test
    void aRuleMatchesExactStringsNumbersBooleansAndArrayMembersOnly() {
        FederationRule rule = new FederationRule("c", Map.of("repository", "acme/api", "run", "7", "protected", "true"),
                java.util.Optional.empty());
        assertThat(rule.matches(Map.of("repository", "acme/api", "run", 7L, "protected", true))).isTrue();
        assertThat(rule.matches(Map.of("repository", List.of("x", "acme/api"), "run", "7", "protected", "true")))
                .as("an array holding the value").isTrue();
        assertThat(rule.matches(Map.of("repository", "acme/api-fork", "run", 7L, "protected", true)))
                .as("no prefix match").isFalse();
        assertThat(rule.matches(Map.of("repository", "ACME/API", "run", 7L, "protected", true)))
                .as("case matters").isFalse();
        assertThat(rule.matches(Map.of("repository", "acme/api", "run", 7L))).as("a claim missing").isFalse();
        assertThat(rule.matches(Map.of("repository", Map.of("name", "acme/api"), "run", 7L, "protected", true)))
                .as("an object never matches").isFalse();
    }
}
