package dev.latchkey.server.convert;

import dev.latchkey.core.error.OAuthError;
import java.util.List;
import java.util.Map;

/**
 * A decoded {@code application/x-www-form-urlencoded} body. Parameters sent without a value are
 * absent (RFC 6749 §3.2); {@link #single} refuses a repeated parameter (§3.2: "MUST NOT be
 * included more than once"); {@link #all} is for the few that may repeat (RFC 8707 {@code resource}).
 */
public record Form(Map<String, List<String>> parameters) {

    public Form {
        parameters = Map.copyOf(parameters);
    }

    public String single(String name) {
        List<String> values = parameters.get(name);
        if (values == null) {
            return null;
        }
        if (values.size() > 1) {
            throw OAuthError.INVALID_REQUEST.toException(Descriptions.parameter(name) + " is repeated");
        }
        return values.get(0);
    }

    public String required(String name) {
        String value = single(name);
        if (value == null) {
            throw OAuthError.INVALID_REQUEST.toException(Descriptions.parameter(name) + " is missing");
        }
        return value;
    }

    public List<String> all(String name) {
        return parameters.getOrDefault(name, List.of());
    }

    /** Rejects any repeated parameter other than those allowed to repeat. */
    public Form requireNoRepeats(String... repeatable) {
        List<String> allowed = List.of(repeatable);
        parameters.forEach((name, values) -> {
            if (values.size() > 1 && !allowed.contains(name)) {
                throw OAuthError.INVALID_REQUEST.toException(Descriptions.parameter(name) + " is repeated");
            }
        });
        return this;
    }
}
