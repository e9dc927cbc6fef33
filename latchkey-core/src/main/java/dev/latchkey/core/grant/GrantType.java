package dev.latchkey.core.grant;

import dev.latchkey.core.wire.WireNamed;
import java.util.Optional;

/** The grant types Latchkey implements, by their RFC 6749 wire names. */
public enum GrantType implements WireNamed {
    /** RFC 6749 §4.4. */
    CLIENT_CREDENTIALS("client_credentials"),
    /** RFC 6749 §4.1, with RFC 7636 PKCE. */
    AUTHORIZATION_CODE("authorization_code"),
    /** RFC 8628 §3.4: the device authorization grant. */
    DEVICE_CODE("urn:ietf:params:oauth:grant-type:device_code"),
    /** RFC 6749 §6. */
    REFRESH_TOKEN("refresh_token"),
    /** RFC 8693 §2.1: token exchange. */
    TOKEN_EXCHANGE("urn:ietf:params:oauth:grant-type:token-exchange"),
    /** RFC 7523 §2.1: a JWT from a trusted external issuer as the grant (workload identity federation). */
    JWT_BEARER("urn:ietf:params:oauth:grant-type:jwt-bearer");

    private final String wireName;

    GrantType(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }

    public static Optional<GrantType> fromWire(String name) {
        return WireNamed.fromWire(GrantType.class, name);
    }
}
