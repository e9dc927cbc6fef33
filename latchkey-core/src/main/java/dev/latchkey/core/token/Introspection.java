package dev.latchkey.core.token;

import java.time.Instant;
import java.util.List;

/**
 * An RFC 7662 §2.2 introspection answer. Inactive answers carry nothing else, so they reveal
 * nothing about why a token is inactive.
 *
 * @param tokenType {@code Bearer} for access tokens, {@code refresh_token} for refresh tokens
 */
public record Introspection(boolean active, String scope, String clientId, String subject, Instant expiresAt,
        Instant issuedAt, String tokenType, List<String> audience, String issuer, String jti) {

    public static final Introspection INACTIVE =
            new Introspection(false, null, null, null, null, null, null, List.of(), null, null);
}
