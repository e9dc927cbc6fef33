package dev.latchkey.core.client;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The shape in which the token endpoint answers a client. {@link #RFC6749} is RFC 6749 §5.1 plus
 * {@code created_at}; other profiles reproduce token shapes that existing APIs' SDKs expect, so an
 * API can move its token endpoint onto Latchkey without breaking them.
 */
public enum ResponseProfile {
    RFC6749("rfc6749");

    private final String wireName;

    ResponseProfile(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<ResponseProfile> fromWire(String name) {
        return Arrays.stream(values()).filter(p -> p.wireName.equals(name)).findFirst();
    }

    public static String wireNames() {
        return Arrays.stream(values()).map(ResponseProfile::wireName).collect(Collectors.joining(", "));
    }
}
