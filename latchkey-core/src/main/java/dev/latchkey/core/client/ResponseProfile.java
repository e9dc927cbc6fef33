package dev.latchkey.core.client;

import dev.latchkey.core.wire.WireNamed;
import java.util.Optional;

/**
 * The shape in which the token endpoint answers a client. {@link #RFC6749} is RFC 6749 §5.1 plus
 * {@code created_at}; the others reproduce token shapes that existing APIs' SDKs expect, so an API
 * can move its token endpoint onto Latchkey without breaking them. Error responses are RFC 6749
 * §5.2 in every profile.
 */
public enum ResponseProfile implements WireNamed {
    /** RFC 6749 §5.1 plus {@code created_at} as integer epoch seconds. */
    RFC6749("rfc6749"),
    /** {@code token_type} {@code "bearer"}, {@code expires_in} a float, {@code created_at} an ISO-8601 datetime. */
    FLOAT_TTL_DATETIME("float_ttl_datetime"),
    /** camelCase members: {@code accessToken tokenType expiresIn createdAt refreshToken scope}. */
    CAMEL_CASE("camel_case"),
    /** Stored-credentials shape: {@code access_token refresh_token issued_at} (datetime) {@code expires_in}; no type, no scope. */
    CREDENTIALS_ISSUED_AT("credentials_issued_at"),
    /**
     * {@code token_type} is the token's format ({@code jwt} or {@code opaque}), {@code expires_in}
     * an absolute Unix timestamp, and every member always present (so the client must be registered
     * for refresh tokens).
     */
    ABSOLUTE_EXPIRY("absolute_expiry");

    private final String wireName;

    ResponseProfile(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }

    public static Optional<ResponseProfile> fromWire(String name) {
        return WireNamed.fromWire(ResponseProfile.class, name);
    }

    public static String wireNames() {
        return WireNamed.wireNames(ResponseProfile.class);
    }
}
