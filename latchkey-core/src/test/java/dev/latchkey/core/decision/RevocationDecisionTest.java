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
import dev.latchkey.core.token.RevocationList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** RFC 7009 decided over values: what each token's revocation writes, and whose tokens may be revoked. */
class RevocationDecisionTest {

    private static final RegisteredClient OWNER = Fixtures.client("owner", Map.of("scope", "read"));
    private static final RegisteredClient OTHER = Fixtures.client("other", Map.of("scope", "read"));
    private final RevocationList revocations = new RevocationList();
    private final RevocationDecision decision = new RevocationDecision(revocations);

    private static JWTClaimsSet jwt(String family) throws Exception {
        return SignedJWT.parse(Fixtures.MINTER.mint(OWNER, Fixtures.scope("read"), List.of(Fixtures.ISSUER), family,
                NOW).token().value()).getJWTClaimsSet();
    }

    @Test
    void aJwtIsRememberedUntilItExpiresThenNeverWrittenAgain() throws Exception {
        JWTClaimsSet claims = jwt(null);

        RevocationOutcome first = decision.ofJwt(OWNER, Optional.of(claims), NOW);
        assertThat(first).isEqualTo(new RevocationOutcome.RevokeJwt(claims.getJWTID(),
                claims.getExpirationTime().toInstant()));

        revocations.apply(new Change(1, Change.Kind.JTI_REVOKED, claims.getJWTID(), NOW.plusSeconds(3600)));
        assertThat(decision.ofJwt(OWNER, Optional.of(claims), NOW)).isInstanceOf(RevocationOutcome.Nothing.class);
    }

    @Test
    void aJwtWhoseFamilyIsRevokedNeedsNothingWritten() throws Exception {
        JWTClaimsSet claims = jwt("family-9");
        revocations.apply(new Change(1, Change.Kind.FAMILY_REVOKED, "family-9", NOW.plusSeconds(3600)));

        assertThat(decision.ofJwt(OWNER, Optional.of(claims), NOW)).isInstanceOf(RevocationOutcome.Nothing.class);
    }

    @Test
    void anUnverifiedOrExpiredJwtChangesNothingAndSucceeds() throws Exception {
        assertThat(decision.ofJwt(OWNER, Optional.empty(), NOW)).isInstanceOf(RevocationOutcome.Nothing.class);
        assertThat(decision.ofJwt(OWNER, Optional.of(jwt(null)), NOW.plusSeconds(7200)))
                .isInstanceOf(RevocationOutcome.Nothing.class);
    }

    @Test
    void anotherClientsTokenIsRefusedWithInvalidGrant() throws Exception {
        OpaqueAccessTokenRecord access = new OpaqueAccessTokenRecord(TokenHash.of(Secrets.random256()), "owner", "owner",
                Fixtures.scope("read"), List.of(), "j", null, NOW, NOW.plusSeconds(60), false);

        for (RevocationOutcome outcome : List.of(decision.ofJwt(OTHER, Optional.of(jwt(null)), NOW),
                decision.ofAccessToken(OTHER, access),
                decision.ofRefreshToken(OTHER, Fixtures.activeRefreshToken("owner", "read", List.of(), NOW.plusSeconds(60))))) {
            assertThat(outcome).isInstanceOfSatisfying(RevocationOutcome.Refuse.class,
                    refuse -> assertThat(refuse.error().code()).isEqualTo("invalid_grant"));
        }
        assertThat(decision.ofAccessToken(OWNER, access)).isEqualTo(new RevocationOutcome.RevokeAccessToken(access.hash()));
    }

    @Test
    void aRefreshTokenRevokesItsWholeFamily() {
        assertThat(decision.ofRefreshToken(OWNER, Fixtures.activeRefreshToken("owner", "read", List.of(),
                NOW.plusSeconds(60)))).isEqualTo(new RevocationOutcome.RevokeFamily("family-1"));
    }
}
