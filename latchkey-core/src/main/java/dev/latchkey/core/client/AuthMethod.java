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
    NONE("none"),
    /** Mutual TLS with a certificate a trusted CA issued, matched by a registered name (RFC 8705 §2.1). */
    TLS_CLIENT_AUTH("tls_client_auth"),
    /** Mutual TLS with a self-signed certificate whose key is in the client's jwks (RFC 8705 §2.2). */
    SELF_SIGNED_TLS_CLIENT_AUTH("self_signed_tls_client_auth");

    private final String wireName;

    AuthMethod(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }

    /** True for the methods that present a client secret (the only ones that get one). */
    public boolean usesSecret() {
        return this == CLIENT_SECRET_BASIC || this == CLIENT_SECRET_POST;
    }

    /** True for the mutual-TLS methods, which authenticate with the connection's certificate. */
    public boolean usesCertificate() {
        return this == TLS_CLIENT_AUTH || this == SELF_SIGNED_TLS_CLIENT_AUTH;
    }

    public static Optional<AuthMethod> fromWire(String name) {
        return WireNamed.fromWire(AuthMethod.class, name);
    }
}
