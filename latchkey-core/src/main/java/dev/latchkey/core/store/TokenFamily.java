package dev.latchkey.core.store;

import java.time.Instant;

/**
 * A refresh token family as stored: every refresh token issued by one grant and its rotations
 * (RFC 9700 §4.14.2). Rotation and revocation both lock the family first, so a revocation that has
 * answered leaves no token of the family working, whatever rotation was in flight.
 *
 * @param expiresAt       the family's absolute end ({@code refresh_token_absolute_ttl}), or null for none:
 *                        no successor outlives it
 * @param accessExpiresAt the latest {@code exp} of any access token issued in the family: a revoked
 *                        family's JWTs are remembered at least until then
 * @param revoked         true once the family is revoked: by RFC 7009, reuse detection or client deletion
 */
public record TokenFamily(
        String familyId,
        String clientId,
        Instant createdAt,
        Instant lastUsedAt,
        Instant expiresAt,
        Instant accessExpiresAt,
        boolean revoked) {

    /** A new family, started now by the grant that issues its first refresh token. */
    public static TokenFamily start(String familyId, String clientId, Instant now, Instant expiresAt,
            Instant accessExpiresAt) {
        return new TokenFamily(familyId, clientId, now, now, expiresAt, accessExpiresAt, false);
    }

    /** The earlier of {@code proposed} and the family's absolute end. */
    public Instant capExpiry(Instant proposed) {
        return expiresAt != null && expiresAt.isBefore(proposed) ? expiresAt : proposed;
    }
}
