package dev.latchkey.core.decision;

import static dev.latchkey.core.decision.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.grant.FederatedIdentity;
import dev.latchkey.core.grant.JwtBearerGrant;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** RFC 7523 §2.1 for workload identity federation, decided over values: the client's own token, within the rule. */
class JwtBearerDecisionTest {

    private static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private final JwtBearerDecision decision = new JwtBearerDecision(Fixtures.MINTER, "https://api.default.example");
    private static final RegisteredClient DEPLOYER = Fixtures.client("deployer", Map.of("scope", "deploy read",
            "grant_types", List.of(JWT_BEARER), "resources", List.of("https://api.example/")));
    private static final FederatedIdentity MAIN = new FederatedIdentity("https://ci.example", "repo:acme/api",
            "deployer", Optional.of(Fixtures.scope("deploy")));

    private static JwtBearerGrant grant(String scope, FederatedIdentity identity, String... resources) {
        return new JwtBearerGrant("a.b.c", Optional.ofNullable(scope).map(Fixtures::scope),
                java.util.Arrays.stream(resources).map(URI::create).toList()).identified(identity);
    }

    @Test
    void theTokenIsTheClientsOwnWithinTheRulesCeilingAndWithoutARefreshToken() throws Exception {
        GrantOutcome.Issue issue = (GrantOutcome.Issue) decision.decide(DEPLOYER, grant(null, MAIN), null, NOW);

        var claims = SignedJWT.parse(issue.tokens().accessToken().value()).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo("deployer");
        assertThat(claims.getStringClaim("client_id")).isEqualTo("deployer");
        assertThat(claims.getStringClaim("scope")).as("deploy read within the rule's deploy").isEqualTo("deploy");
        assertThat(claims.getAudience()).containsExactly("https://api.default.example");
        assertThat(issue.tokens().refreshToken()).isEmpty();
        assertThat(issue.write()).isInstanceOf(TokenWrite.Nothing.class);
    }

    @Test
    void aRuleWithoutCeilingGivesWhatTheClientMayHaveAndRegisteredResourcesAreTheAudience() throws Exception {
        FederatedIdentity any = new FederatedIdentity("https://ci.example", "repo:acme/api", "deployer", Optional.empty());
        GrantOutcome.Issue issue = (GrantOutcome.Issue) decision.decide(DEPLOYER,
                grant("read", any, "https://api.example/"), null, NOW);
        var claims = SignedJWT.parse(issue.tokens().accessToken().value()).getJWTClaimsSet();
        assertThat(claims.getStringClaim("scope")).isEqualTo("read");
        assertThat(claims.getAudience()).containsExactly("https://api.example/");
    }

    @Test
    void wideningTheScopeAnUnregisteredResourceOrAnUnregisteredGrantIsRefused() {
        assertThat(decision.decide(DEPLOYER, grant("read", MAIN), null, NOW))
                .as("read is the client's, not the rule's").isInstanceOfSatisfying(GrantOutcome.Refuse.class,
                        refuse -> assertThat(refuse.error().code()).isEqualTo("invalid_scope"));
        assertThat(decision.decide(DEPLOYER, grant(null, MAIN, "https://other.example/"), null, NOW))
                .isInstanceOfSatisfying(GrantOutcome.Refuse.class,
                        refuse -> assertThat(refuse.error().code()).isEqualTo("invalid_target"));
        RegisteredClient plain = Fixtures.client("deployer", Map.of("scope", "deploy"));
        assertThat(decision.decide(plain, grant(null, MAIN), null, NOW)).isInstanceOfSatisfying(GrantOutcome.Refuse.class,
                refuse -> assertThat(refuse.error().code()).isEqualTo("unauthorized_client"));
    }

    @Test
    void anUnverifiedGrantOrOneForAnotherClientIsAProgrammingError() {
        assertThatThrownBy(() -> decision.decide(DEPLOYER, new JwtBearerGrant("a.b.c", Optional.empty(), List.of()),
                null, NOW)).isInstanceOf(IllegalStateException.class);
        FederatedIdentity other = new FederatedIdentity("https://ci.example", "x", "someone-else", Optional.empty());
        assertThatThrownBy(() -> decision.decide(DEPLOYER, grant(null, other), null, NOW))
                .isInstanceOf(IllegalStateException.class);
    }
}
