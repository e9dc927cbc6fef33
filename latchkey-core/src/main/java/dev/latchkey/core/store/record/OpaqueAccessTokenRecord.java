package dev.latchkey.core.store.record;

import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.TokenHash;
import java.time.Instant;
import java.util.List;

/** An opaque access token as stored: its hash and what introspection reports about it. */
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
        boolean revoked) {

    public OpaqueAccessTokenRecord {
        audience = List.copyOf(audience);
    }
}
