package dev.latchkey.core.account;

import dev.latchkey.core.wire.WireNamed;
import java.util.Optional;

/** Who a dashboard account is: an admin runs the deployment; a developer manages their own client applications. */
public enum Role implements WireNamed {
    ADMIN("admin"),
    DEVELOPER("developer");

    private final String wireName;

    Role(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }

    public static Optional<Role> fromWire(String name) {
        return WireNamed.fromWire(Role.class, name);
    }
}
