package dev.latchkey.core.store.record;

import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.TokenHash;
import java.time.Instant;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An opaque access token as stored: its hash and what introspection reports about it.
 *
 * @param confirmation the key the token is bound to (DPoP, mutual TLS), or null for a bearer token
 * @param act          who acts for the subject (RFC 8693 §4.1, a token exchange's actor), or null
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
        dev.latchkey.core.secret.Confirmation confirmation,
        Map<String, Object> act) {

    public OpaqueAccessTokenRecord {
        audience = List.copyOf(audience);
        act = act == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(act));
    }

    /** Without an actor. */
    public OpaqueAccessTokenRecord(TokenHash hash, String clientId, String subject, Scope scope, List<String> audience,
            String jti, String familyId, Instant issuedAt, Instant expiresAt, boolean revoked,
            dev.latchkey.core.secret.Confirmation confirmation) {
        this(hash, clientId, subject, scope, audience, jti, familyId, issuedAt, expiresAt, revoked, confirmation, null);
    }

    /** The same token, revoked. */
    public OpaqueAccessTokenRecord asRevoked() {
        return new OpaqueAccessTokenRecord(hash, clientId, subject, scope, audience, jti, familyId, issuedAt, expiresAt,
                true, confirmation, act);
    }

    /** {@code act} as its stored column: JSON, or null. */
    public String actColumn() {
        return act == null ? null : JSONObjectUtils.toJSONString(act);
    }

    /** {@code act} from its stored column. */
    public static Map<String, Object> actFromColumn(String column) {
        if (column == null) {
            return null;
        }
        try {
            return JSONObjectUtils.parse(column);
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("a stored act no longer parses", e);
        }
    }

    /** A bearer token. */
    public OpaqueAccessTokenRecord(TokenHash hash, String clientId, String subject, Scope scope, List<String> audience,
            String jti, String familyId, Instant issuedAt, Instant expiresAt, boolean revoked) {
        this(hash, clientId, subject, scope, audience, jti, familyId, issuedAt, expiresAt, revoked, null);
    }
}
