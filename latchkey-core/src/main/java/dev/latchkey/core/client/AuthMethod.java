package dev.latchkey.core.client;

import dev.latchkey.core.wire.WireNamed;
import java.util.Optional;

/** Token endpoint client authentication methods (RFC 7591 §2, RFC 6749 §2.3.1). */
public enum AuthMethod implements WireNamed {
    /** HTTP Basic with the form-urlencoded client id and secret. */
    CLIENT_SECRET_BASIC("client_secret_basic"),
    /** {@code client_id} and {@code client_secret} in the form body. */
    CLIENT_SECRET_POST("client_secret_post"),
    /** A JWT signed with the client's private key (RFC 7523 §2.2, OIDC Core §9); its public keys are registered. */
    PRIVATE_KEY_JWT("private_key_jwt"),
    /** A public client (RFC 6749 §2.1): only {@code client_id}, no secret; PKCE stands in for it. */
    NONE("none");

    private final String wireName;

    AuthMethod(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }

    public static Optional<AuthMethod> fromWire(String name) {
        return WireNamed.fromWire(AuthMethod.class, name);
    }
}
