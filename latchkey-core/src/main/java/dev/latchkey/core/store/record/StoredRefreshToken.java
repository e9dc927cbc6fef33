package dev.latchkey.core.store.record;

import java.time.Instant;

/**
 * A refresh token as read from the store, with its family as far as the token tells it
 * ({@link RefreshTokenRecord#family()}): its absolute end, and whether it is revoked. A revocation
 * revokes every token of the family in the same transaction as the family, so a token's state
 * is its family's state; reading the family's row as well would only cost a join.
 */
public record StoredRefreshToken(RefreshTokenRecord token, TokenFamily family) {

    public static StoredRefreshToken of(RefreshTokenRecord token) {
        return new StoredRefreshToken(token, token.family());
    }

    /** True if the token may still be used or rotated: active, unexpired, its family not revoked. */
    public boolean isUsable(Instant now) {
        return token.state() == RefreshTokenRecord.State.ACTIVE && !token.isExpired(now) && !family.revoked();
    }
}
