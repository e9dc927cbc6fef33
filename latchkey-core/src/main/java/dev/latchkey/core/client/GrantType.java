package dev.latchkey.core.client;

import java.util.Optional;

/** The grant types Latchkey implements, by their RFC 6749 wire names. */
public enum GrantType {
    /** RFC 6749 §4.4. */
    CLIENT_CREDENTIALS("client_credentials"),
    /** RFC 6749 §6. */
    REFRESH_TOKEN("refresh_token");

    private final String wireName;

    GrantType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<GrantType> fromWire(String name) {
        for (GrantType type : values()) {
            if (type.wireName.equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
