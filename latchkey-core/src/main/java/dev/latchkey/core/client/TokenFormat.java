package dev.latchkey.core.client;

import dev.latchkey.core.wire.WireNamed;
import java.util.Optional;

/** How a client's access tokens are made: a signed JWT (RFC 9068) or an opaque random string. */
public enum TokenFormat implements WireNamed {
    JWT("jwt"),
    OPAQUE("opaque");

    private final String wireName;

    TokenFormat(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }

    public static Optional<TokenFormat> fromWire(String name) {
        return WireNamed.fromWire(TokenFormat.class, name);
    }
}
