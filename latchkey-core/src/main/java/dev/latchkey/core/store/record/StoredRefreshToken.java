package dev.latchkey.core.store.record;

/** A refresh token as read from the store, with the family it belongs to. */
public record StoredRefreshToken(RefreshTokenRecord token, TokenFamily family) {

    /** True if the token may still be used or rotated: active, unexpired, its family not revoked. */
    public boolean isUsable(java.time.Instant now) {
        return token.state() == RefreshTokenRecord.State.ACTIVE && !token.isExpired(now) && !family.revoked();
    }
}
