package dev.latchkey.server.render;

import java.util.Map;

/**
 * A rendered answer: status, headers and a body, JSON unless a {@code Content-Type} header says
 * otherwise. The endpoints build it; the web layer writes it.
 */
public record Reply(int status, Map<String, String> headers, byte[] body) {

    public static final String CONTENT_TYPE = "application/json;charset=UTF-8";

    /** RFC 6749 §5.1: responses that carry tokens or credentials must not be cached. */
    public static final Map<String, String> NO_STORE = Map.of("Cache-Control", "no-store", "Pragma", "no-cache");

    /** The same answer with one more header (or one replaced). */
    public Reply withHeader(String name, String value) {
        Map<String, String> more = new java.util.LinkedHashMap<>(headers);
        more.put(name, value);
        return new Reply(status, more, body);
    }

    /** A JSON answer that must not be cached. */
    public static Reply noStore(int status, Object body) {
        return new Reply(status, NO_STORE, Json.bytes(body));
    }
}
