package dev.latchkey.core.decision;

import static dev.latchkey.core.decision.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.record.Change;
import dev.latchkey.core.store.record.OpaqueAccessTokenRecord;
import dev.latchkey.core.store.record.StoredRefreshToken;
import dev.latchkey.core.token.Introspection;
import dev.latchkey.core.token.RevocationList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 7662 decided over values: what is active, and who may learn it (§4). */
class IntrospectionDecisionTest {

    private static final RegisteredClient OWNER = Fixtures.client("owner", Map.of("scope", "read",
            "grant_types", List.of("client_credentials", "refresh_token")));
    private static final RegisteredClient STRANGER = Fixtures.client("stranger", Map.of());
    private static final RegisteredClient API = Fixtures.client("api",
            Map.of("introspection_audiences", List.of("https://api.example/")));
    private static final RegisteredClient OTHER_API = Fixtures.client("other-api",
            Map.of("introspection_audiences", List.of("https://other.example/")));

    private final RevocationList revocations = new RevocationList();
    private final IntrospectionDecision decision = new IntrospectionDecision(revocations);

    private static OpaqueAccessTokenRecord access(String family, boolean revoked) {
        return new OpaqueAccessTokenRecord(TokenHash.of(Secrets.random256()), "owner", "owner", Fixtures.scope("read"),
                List.of("https://api.example/"), "jti-1", family, NOW.minusSeconds(10), NOW.plusSeconds(50), revoked);
    }

    static Stream<Arguments> whoMayLearnAnAccessToken() {
        return Stream.of(
                Arguments.of("its own client", OWNER, true),
                Arguments.of("a resource server of its audience", API, true),
                Arguments.of("a resource server of another audience", OTHER_API, false),
                Arguments.of("any other client", STRANGER, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("whoMayLearnAnAccessToken")
    void anAccessTokenIsVisibleToItsClientAndItsAudienceOnly(String name, RegisteredClient caller, boolean visible) {
        Introspection answer = decision.ofAccessToken(caller, access(null, false), Optional.of(OWNER), NOW);

        assertThat(answer.isActive()).isEqualTo(visible);
        if (!visible) {
            assertThat(answer).isEqualTo(Introspection.INACTIVE);
        }
    }

    @Test
    void aRefreshTokenIsVisibleToItsOwnClientOnly() {
        StoredRefreshToken token = Fixtures.activeRefreshToken("owner", "read", List.of(), NOW.plusSeconds(60));

        assertThat(decision.ofRefreshToken(OWNER, token, Optional.of(OWNER), NOW).tokenType())
                .isEqualTo(Introspection.REFRESH_TOKEN);
        assertThat(decision.ofRefreshToken(API, token, Optional.of(OWNER), NOW).isActive()).isFalse();
    }

    static Stream<Arguments> inactiveAccessTokens() {
        return Stream.of(
                Arguments.of("revoked", access(null, true), Optional.of(OWNER), NOW),
                Arguments.of("expired", access(null, false), Optional.of(OWNER), NOW.plusSeconds(50)),
                Arguments.of("its client deleted", access(null, false), Optional.empty(), NOW),
                Arguments.of("its family revoked", access("family-gone", false), Optional.of(OWNER), NOW));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inactiveAccessTokens")
    void anAccessTokenIsInactiveWhen(String name, OpaqueAccessTokenRecord token, Optional<RegisteredClient> owner,
            java.time.Instant now) {
        revocations.apply(new Change(1, Change.Kind.FAMILY_REVOKED, "family-gone", NOW.plusSeconds(3600)));

        assertThat(decision.ofAccessToken(OWNER, token, owner, now)).isEqualTo(Introspection.INACTIVE);
    }

    @Test
    void aRefreshTokenOfAClientNoLongerRegisteredForRefreshIsInactive() {
        StoredRefreshToken token = Fixtures.activeRefreshToken("owner", "read", List.of(), NOW.plusSeconds(60));
        RegisteredClient withoutRefresh = Fixtures.client("owner", Map.of("scope", "read"));

        assertThat(decision.ofRefreshToken(OWNER, token, Optional.of(withoutRefresh), NOW).isActive()).isFalse();
    }

    @Test
    void aJwtIsActiveUntilItExpiresOrItsJtiOrFamilyIsRevoked() throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(Fixtures.MINTER.mint(OWNER, Fixtures.scope("read"),
                List.of("https://api.example/"), "family-2", NOW).token().value()).getJWTClaimsSet();

        Introspection active = decision.ofJwt(API, claims, Optional.of(OWNER), NOW);
        assertThat(active.isActive()).isTrue();
        assertThat(active.clientId()).isEqualTo("owner");
        assertThat(active.issuer()).isEqualTo(Fixtures.ISSUER);
        assertThat(decision.ofJwt(OWNER, claims, Optional.of(OWNER), NOW.plusSeconds(3600)).isActive()).isFalse();
        assertThat(decision.ofJwt(OWNER, claims, Optional.empty(), NOW).isActive()).isFalse();

        revocations.apply(new Change(1, Change.Kind.FAMILY_REVOKED, "family-2", NOW.plusSeconds(3600)));
        assertThat(decision.ofJwt(OWNER, claims, Optional.of(OWNER), NOW).isActive()).isFalse();
    }

    @Test
    void tokensIssuedBeforeTheirClientsCutOffAreInactiveJwtAndOpaqueAlike() throws Exception {
        OpaqueAccessTokenRecord before = access(null, false);
        revocations.apply(new Change(1, Change.Kind.CLIENT_TOKENS_REVOKED,
                Change.clientTokensRef("owner", before.issuedAt()), NOW.plusSeconds(3600)));

        assertThat(decision.ofAccessToken(OWNER, before, Optional.of(OWNER), NOW)).isEqualTo(Introspection.INACTIVE);
        assertThat(revocations.isCutOff("owner", before.issuedAt().plusSeconds(1))).as("issued after").isFalse();
        assertThat(revocations.isCutOff("someone-else", before.issuedAt())).isFalse();
    }
}
