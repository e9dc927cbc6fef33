package dev.latchkey.core.decision;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.store.record.OpaqueAccessTokenRecord;
import dev.latchkey.core.store.record.StoredRefreshToken;
import dev.latchkey.core.token.RevocationList;
import java.time.Instant;
import java.util.Optional;

/**
 * Token revocation, RFC 7009, as a decision over values: the caller, what was read for the token
 * and the time in, a {@link RevocationOutcome} out.
 *
 * <ul>
 *   <li>A JWT access token is remembered by its jti until it expires (no-op if already revoked).</li>
 *   <li>An opaque access token is marked revoked.</li>
 *   <li>A refresh token revokes its whole family: every refresh token of it and every access token
 *       issued with them (§2.1 SHOULD), JWTs included through their family-bearing jti.</li>
 *   <li>Unknown, expired or foreign-issuer tokens change nothing and still succeed (§2.2).</li>
 *   <li>A token issued to another client is refused with {@code invalid_grant} (§2.1: "verifies
 *       whether the token was issued to the client making the revocation request"; RFC 6749 §5.2
 *       lists "issued to another client" under {@code invalid_grant}).</li>
 * </ul>
 * Thread-safe.
 */
public final class RevocationDecision {

    private static final RevocationOutcome FOREIGN = new RevocationOutcome.Refuse(
            OAuthError.INVALID_GRANT.withDescription("The token was issued to another client"));
    private static final RevocationOutcome NOTHING = new RevocationOutcome.Nothing();

    private final RevocationList revocations;

    public RevocationDecision(RevocationList revocations) {
        this.revocations = revocations;
    }

    /** A JWT: {@code verified} holds its claims if this server signed it, else it is not ours. */
    public RevocationOutcome ofJwt(RegisteredClient caller, Optional<JWTClaimsSet> verified, Instant now) {
        if (verified.isEmpty()) {
            return NOTHING;
        }
        JWTClaimsSet claims = verified.get();
        Optional<String> owner = IntrospectionDecision.clientOf(claims);
        if (owner.isEmpty() || !owner.get().equals(caller.clientId())) {
            return owner.isEmpty() ? NOTHING : FOREIGN;
        }
        Instant expiresAt = claims.getExpirationTime() == null ? null : claims.getExpirationTime().toInstant();
        String jti = claims.getJWTID();
        Instant issuedAt = claims.getIssueTime() == null ? null : claims.getIssueTime().toInstant();
        if (expiresAt == null || !expiresAt.isAfter(now) || jti == null
                || revocations.isRevoked(jti, owner.get(), issuedAt)) {
            return NOTHING; // expired, or revoked already (itself or its family): nothing to write again
        }
        return new RevocationOutcome.RevokeJwt(jti, expiresAt);
    }

    public RevocationOutcome ofAccessToken(RegisteredClient caller, OpaqueAccessTokenRecord token) {
        return caller.clientId().equals(token.clientId()) ? new RevocationOutcome.RevokeAccessToken(token.hash())
                : FOREIGN;
    }

    public RevocationOutcome ofRefreshToken(RegisteredClient caller, StoredRefreshToken token) {
        return caller.clientId().equals(token.token().clientId())
                ? new RevocationOutcome.RevokeFamily(token.token().familyId()) : FOREIGN;
    }
}
