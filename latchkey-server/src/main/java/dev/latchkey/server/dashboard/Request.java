package dev.latchkey.server.dashboard;

import dev.latchkey.core.manage.ManagementException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.eclipse.jetty.util.MultiMap;
import org.eclipse.jetty.util.UrlEncoded;

/**
 * A request to the dashboard or the admin API as its routes see it: the path parameters of its
 * route, in order; its query string; a header by name; its body; its source address.
 */
public record Request(String method, List<String> parameters, String query, Function<String, String> headers,
        byte[] body, String source) {

    public Request {
        parameters = List.copyOf(parameters);
    }

    public String parameter(int index) {
        return parameters.get(index);
    }

    public String header(String name) {
        return headers.apply(name);
    }

    /** A query parameter, decoded; null if absent. */
    public String query(String name) {
        return query == null ? null : decode(query).getValue(name);
    }

    /** The body as an HTML form ({@code application/x-www-form-urlencoded}), first value of each name. */
    public Map<String, String> form() {
        MultiMap<String> values = decode(new String(body, StandardCharsets.UTF_8));
        Map<String, String> form = new LinkedHashMap<>();
        values.forEach((name, list) -> form.put(name, list.isEmpty() ? "" : list.get(0)));
        return form;
    }

    /** Every value of a form field (checkboxes). */
    public List<String> formValues(String name) {
        List<String> values = decode(new String(body, StandardCharsets.UTF_8)).getValues(name);
        return values == null ? List.of() : values;
    }

    public boolean isStateChanging() {
        return !method.equals("GET") && !method.equals("HEAD");
    }

    /**
     * Form or query text (null: none), every value of every name; malformed escapes are a
     * {@link ManagementException} (a 400), as any other malformed input.
     */
    public static MultiMap<String> decode(String text) {
        if (text == null) {
            return new MultiMap<>();
        }
        MultiMap<String> values = new MultiMap<>();
        try {
            UrlEncoded.decodeTo(text, values::add, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            throw ManagementException.invalid("the form or query is not valid URL encoding");
        }
        return values;
    }
}
