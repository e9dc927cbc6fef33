package dev.latchkey.core.store.record;

import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.TokenHash;
import java.time.Instant;
import java.util.List;

/**
 * An opaque access token as stored: its hash and what introspection reports about it.
 *
 * @param confirmation the key the token is bound to (DPoP, mutual TLS), or null for a bearer token
 */
public record OpaqueAccessTokenRecord(
        TokenHash hash,
        String clientId,
        String subject,
        Scope scope,
        List<String> audience,
        String jti,
        String familyId,
        Instant issuedAt,
        Instant expiresAt,
        boolean revoked,
        dev.latchkey.core.secret.Confirmation confirmation) {

    public OpaqueAccessTokenRecord {
        audience = List.copyOf(audience);
    }

    /** A bearer token. */
    public OpaqueAccessTokenRecord(TokenHash hash, String clientId, String subject, Scope scope, List<String> audience,
            String jti, String familyId, Instant issuedAt, Instant expiresAt, boolean revoked) {
        this(hash, clientId, subject, scope, audience, jti, familyId, issuedAt, expiresAt, revoked, null);
    }
}
