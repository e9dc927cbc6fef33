package dev.latchkey.core.store;

import dev.latchkey.core.token.TokenHash;
import java.time.Instant;

/**
 * One refresh token rotation, applied by {@link TokenStore#rotate} as a single compare-and-set:
 * the old token goes from active to rotated only if it is still active and unexpired and its family
 * is not revoked (checked under the family's lock), and only then are its successor (and the
 * successor's opaque access token) written.
 *
 * @param accessToken     the opaque access token issued with the successor, or null for a JWT
 * @param accessExpiresAt the expiry of the access token issued with the successor, JWT or opaque
 * @param sealedSuccessor the encrypted successor response when the client has a grace window, else null
 * @param graceUntil      end of that window, else null
 */
public record Rotation(
        TokenHash oldHash,
        Instant now,
        RefreshTokenRecord successor,
        OpaqueAccessTokenRecord accessToken,
        Instant accessExpiresAt,
        byte[] sealedSuccessor,
        Instant graceUntil) {
}
