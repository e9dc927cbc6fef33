package dev.latchkey.core.store.record;

import java.time.Instant;

/**
 * A refresh token family as stored: every refresh token issued by one grant and its rotations
 * (RFC 9700 §4.14.2). A rotation checks, under the family's lock, that the family is not revoked;
 * a revocation takes the same lock to revoke it: so a revocation that has answered leaves no token
 * of the family working, whatever rotation was in flight.
 *
 * @param createdAt when the grant started it; null when the family is read through one of its tokens
 *                  ({@link RefreshTokenRecord#family()}), which does not carry it
 * @param expiresAt the family's absolute end ({@code refresh_token_absolute_ttl}), or null for none:
 *                  no token of the family outlives it
 * @param revoked   true once the family is revoked: by RFC 7009, reuse detection or client deletion
 * @param subject   the user whose authorization started it, or null: the client's own tokens
 */
public record TokenFamily(String familyId, String clientId, Instant createdAt, Instant expiresAt, boolean revoked,
        String subject) {

    /** A family of the client's own tokens (its subject is the client). */
    public TokenFamily(String familyId, String clientId, Instant createdAt, Instant expiresAt, boolean revoked) {
        this(familyId, clientId, createdAt, expiresAt, revoked, null);
    }

    /** A new family, started now by the grant that issues its first refresh token. */
    public static TokenFamily start(String familyId, String clientId, Instant now, Instant expiresAt) {
        return new TokenFamily(familyId, clientId, now, expiresAt, false, null);
    }

    /** A new family of tokens a user's authorization issued to the client: {@code subject} is the user's id. */
    public static TokenFamily start(String familyId, String clientId, Instant now, Instant expiresAt, String subject) {
        return new TokenFamily(familyId, clientId, now, expiresAt, false, subject);
    }

    public TokenFamily revoke() {
        return new TokenFamily(familyId, clientId, createdAt, expiresAt, true, subject);
    }

    /** The earlier of {@code proposed} and the family's absolute end. */
    public Instant capExpiry(Instant proposed) {
        return expiresAt != null && expiresAt.isBefore(proposed) ? expiresAt : proposed;
    }
}
