package dev.latchkey.core.decision;

import static dev.latchkey.core.decision.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.core.client.AuthMethod;
import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.client.ResponseProfile;
import dev.latchkey.core.client.TokenFormat;
import dev.latchkey.core.grant.ClientCredentialsGrant;
import dev.latchkey.core.grant.GrantType;
import dev.latchkey.core.secret.Secrets;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 6749 §4.4 decided over values: scope, audience, and what must be written. */
class ClientCredentialsDecisionTest {

    private static final String DEFAULT_AUDIENCE = "https://api.default.example";
    private final ClientCredentialsDecision decision =
            new ClientCredentialsDecision(Fixtures.MINTER, DEFAULT_AUDIENCE);
    private static final RegisteredClient CLIENT = Fixtures.client("c1", Map.of("scope", "read write",
            "resources", List.of("https://api.example/")));

    private static ClientCredentialsGrant grant(String scope, String... resources) {
        return new ClientCredentialsGrant(Optional.ofNullable(scope).map(Fixtures::scope),
                Stream.of(resources).map(URI::create).toList());
    }

    static Stream<Arguments> scopesAndAudiences() {
        return Stream.of(
                Arguments.of("none requested means all registered", grant(null), "read write", null, DEFAULT_AUDIENCE),
                Arguments.of("a subset is granted as asked", grant("read"), "read", null, DEFAULT_AUDIENCE),
                Arguments.of("beyond what is registered is refused", grant("read admin"), null, "invalid_scope", null),
                Arguments.of("a registered resource is the audience", grant("read", "https://api.example/"), "read",
                        null, "https://api.example/"),
                Arguments.of("an unregistered resource is refused", grant("read", "https://other.example/"), null,
                        "invalid_target", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scopesAndAudiences")
    void decidesScopeAndAudience(String name, ClientCredentialsGrant grant, String scope, String error,
            String audience) throws Exception {
        GrantOutcome outcome = decision.decide(CLIENT, grant, NOW);

        if (error != null) {
            assertThat(outcome).isInstanceOfSatisfying(GrantOutcome.Refuse.class,
                    refuse -> assertThat(refuse.error().code()).isEqualTo(error));
            return;
        }
        GrantOutcome.Issue issue = (GrantOutcome.Issue) outcome;
        assertThat(issue.tokens().scope()).isEqualTo(Fixtures.scope(scope));
        assertThat(issue.write()).isInstanceOf(TokenWrite.Nothing.class);
        var claims = SignedJWT.parse(issue.tokens().accessToken().value()).getJWTClaimsSet();
        assertThat(claims.getAudience()).containsExactly(audience);
        assertThat(claims.getStringClaim("scope")).isEqualTo(scope);
        assertThat(claims.getSubject()).isEqualTo("c1");
        assertThat(issue.tokens().expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(1)));
    }

    @Test
    void anOpaqueTokenMustBeSavedBeforeItGoesOut() {
        RegisteredClient opaque = Fixtures.client("c2", Map.of("scope", "read", "access_token_format", "opaque"));

        GrantOutcome.Issue issue = (GrantOutcome.Issue) decision.decide(opaque, grant(null), NOW);

        assertThat(issue.tokens().format()).isEqualTo(TokenFormat.OPAQUE);
        assertThat(issue.write()).isInstanceOfSatisfying(TokenWrite.SaveAccessToken.class,
                save -> assertThat(save.token().hash().value()).endsWith(Secrets.hash(issue.tokens().accessToken().value())));
    }

    @Test
    void aRefreshClientStartsAFamilyBoundedByItsAbsoluteLifetime() {
        RegisteredClient refresh = Fixtures.client("c3", Map.of("scope", "read",
                "grant_types", List.of("client_credentials", "refresh_token"), "refresh_token_ttl", 3600,
                "refresh_token_absolute_ttl", 600));

        GrantOutcome.Issue issue = (GrantOutcome.Issue) decision.decide(refresh, grant(null), NOW);

        assertThat(issue.tokens().refreshToken()).isPresent();
        assertThat(issue.write()).isInstanceOfSatisfying(TokenWrite.StartFamily.class, start -> {
            assertThat(start.family().expiresAt()).isEqualTo(NOW.plusSeconds(600));
            assertThat(start.refreshToken().expiresAt()).as("capped by the family").isEqualTo(NOW.plusSeconds(600));
            assertThat(start.refreshToken().familyId()).isEqualTo(start.family().familyId());
            assertThat(start.refreshToken().accessExpiresAt()).isEqualTo(issue.tokens().expiresAt());
            assertThat(start.refreshToken().hash()).isEqualTo(issue.tokens().refreshToken().get().hash());
            assertThat(start.accessToken()).as("a JWT is not stored").isNull();
        });
    }

    @Test
    void aClientNotRegisteredForTheGrantIsUnauthorized() {
        ClientMetadata refreshOnly = new ClientMetadata("x", null, Set.of(GrantType.REFRESH_TOKEN), Fixtures.scope("read"),
                AuthMethod.CLIENT_SECRET_BASIC, TokenFormat.JWT, Duration.ofHours(1), Duration.ofDays(1),
                Duration.ZERO, Duration.ZERO, List.of(), List.of(), ResponseProfile.RFC6749);
        RegisteredClient client = CLIENT.withMetadata(refreshOnly);

        assertThat(decision.decide(client, grant(null), NOW)).isInstanceOfSatisfying(GrantOutcome.Refuse.class,
                refuse -> assertThat(refuse.error().code()).isEqualTo("unauthorized_client"));
    }
}
