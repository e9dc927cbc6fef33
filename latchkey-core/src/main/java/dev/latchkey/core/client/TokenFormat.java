package dev.latchkey.core.client;

import java.util.Optional;

/** How a client's access tokens are made: a signed JWT (RFC 9068) or an opaque random string. */
public enum TokenFormat {
    JWT("jwt"),
    OPAQUE("opaque");

    private final String wireName;

    TokenFormat(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<TokenFormat> fromWire(String name) {
        for (TokenFormat format : values()) {
            if (format.wireName.equals(name)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }
}
