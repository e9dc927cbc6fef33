package dev.latchkey.core.store.record;

import dev.latchkey.core.secret.TokenHash;
import java.time.Instant;

/**
 * A user's authorization spent and its tokens stored, in one transaction: the compare-and-set that
 * spends the authorization code (RFC 6749 §4.1.2: single use) or the approved device code (RFC 8628
 * §3.5), recording the family it issued, then the family and its first tokens. If the
 * compare-and-set loses, nothing is written: another redemption won, and the family it recorded is
 * the one to revoke (RFC 6749 §4.1.2).
 *
 * @param token  the first refresh token, or null (a family of access tokens only)
 * @param access the opaque access token, or null (a JWT)
 */
public record Redemption(Kind kind, TokenHash grant, Instant now, TokenFamily family, RefreshTokenRecord token,
        OpaqueAccessTokenRecord access) {

    /** What is spent. */
    public enum Kind {
        AUTHORIZATION_CODE, DEVICE_CODE
    }
}
