package dev.latchkey.core.wire;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** An enum constant with the name it has on the wire ({@code client_credentials}, {@code jwt}, ...). */
public interface WireNamed {

    String wireName();

    /** The constant of {@code type} whose wire name is {@code name}, if any. */
    static <E extends Enum<E> & WireNamed> Optional<E> fromWire(Class<E> type, String name) {
        for (E constant : type.getEnumConstants()) {
            if (constant.wireName().equals(name)) {
                return Optional.of(constant);
            }
        }
        return Optional.empty();
    }

    /** Every wire name of {@code type}, comma separated, for error descriptions. */
    static <E extends Enum<E> & WireNamed> String wireNames(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(WireNamed::wireName).collect(Collectors.joining(", "));
    }
}
