package dev.latchkey.core.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a page of a list ends, for keyset pagination: the last row's time (or sequence number) and
 * id. Travels in URLs as base64url, opaque to callers.
 */
public record Cursor(long time, String id) {

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((time + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The cursor a page answered, or null for none (the first page).
     *
     * @throws IllegalArgumentException if it is not one this server wrote
     */
    public static Cursor parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return new Cursor(Long.parseLong(decoded.substring(0, colon)), decoded.substring(colon + 1));
        } catch (RuntimeException malformed) {
            throw new IllegalArgumentException("malformed cursor");
        }
    }
}
