package dev.latchkey.core.decision;

import dev.latchkey.core.store.record.OpaqueAccessTokenRecord;
import dev.latchkey.core.store.record.RefreshTokenRecord;
import dev.latchkey.core.store.record.Rotation;
import dev.latchkey.core.store.record.TokenFamily;

/**
 * What a grant must have stored before its tokens go out. Only {@link Rotate} can fail: it is a
 * compare-and-set, and losing it means another request rotated the token first, so the grant is
 * decided again on what the store holds now.
 */
public sealed interface TokenWrite {

    /** A JWT alone: nothing to store. */
    record Nothing() implements TokenWrite {
    }

    /** An opaque access token alone. */
    record SaveAccessToken(OpaqueAccessTokenRecord token) implements TokenWrite {
    }

    /** A new family with its first refresh token and the opaque access token issued with it (or null). */
    record StartFamily(TokenFamily family, RefreshTokenRecord refreshToken, OpaqueAccessTokenRecord accessToken)
            implements TokenWrite {
    }

    /**
     * An authorization code's tokens: {@code start} is written first, then the code is redeemed
     * (the compare-and-set), recording {@code start}'s family. So the family of a code's winning
     * redemption is always stored before the code says it was redeemed, and a replay that loses
     * finds it to revoke (RFC 6749 §4.1.2).
     */
    record RedeemCode(dev.latchkey.core.secret.TokenHash code, StartFamily start) implements TokenWrite {
    }

    /** A device authorization's tokens: as {@link RedeemCode}, the family first, then approved to redeemed. */
    record RedeemDevice(dev.latchkey.core.secret.TokenHash deviceCode, StartFamily start) implements TokenWrite {
    }

    /** A rotation: the compare-and-set of {@link Rotation}. */
    record Rotate(Rotation rotation) implements TokenWrite {
    }
}
