package dev.latchkey.core.account;

import dev.latchkey.core.wire.WireNamed;
import java.util.Optional;

/**
 * Who an account is: an admin runs the deployment; a developer manages their own client applications;
 * a user is a person the API serves, who signs in to let client applications act for them.
 */
public enum Role implements WireNamed {
    ADMIN("admin"),
    DEVELOPER("developer"),
    /** An end user of the API: signs in to authorize client applications, never to the dashboard. */
    USER("user");

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
