package dev.latchkey.core.token;

import dev.latchkey.core.secret.Confirmation;
import dev.latchkey.core.client.TokenFormat;
import dev.latchkey.core.secret.AccessToken;
import dev.latchkey.core.store.record.OpaqueAccessTokenRecord;
import java.time.Instant;

/**
 * A freshly minted access token. {@code record} is what must be stored before the token is handed
 * out (opaque tokens), or null (JWTs, which need nothing stored); {@code confirmation} the key it is
 * bound to, or null (a bearer token).
 */
public record MintedAccessToken(AccessToken token, TokenFormat format, String jti, Instant issuedAt,
        Instant expiresAt, OpaqueAccessTokenRecord record, Confirmation confirmation) {
}
