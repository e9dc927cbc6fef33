package dev.latchkey.server.convert;

import dev.latchkey.core.error.OAuthError;
import java.util.Locale;

/**
 * Request bodies for the endpoints: the media type check, the size limit (413 above it; the web
 * layer enforces it as it reads each body) and the decoded form or the raw bytes.
 */
public final class RequestBodies {

    public static final String FORM = "application/x-www-form-urlencoded";
    public static final String JSON = "application/json";

    private final int maxBytes;

    public RequestBodies(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * RFC 6749 §3.2: token endpoint requests are form-encoded POSTs (and so are introspection,
     * RFC 7662 §2.1, and revocation, RFC 7009 §2.1, requests).
     *
     * @param body the whole body, already read within the limit (the web layer answers 413 itself)
     */
    public Form form(String contentType, byte[] body) {
        requireMediaType(contentType, FORM);
        return FormDecoder.decode(body);
    }

    /** The most bytes a body may have; a larger one is answered with {@link #tooLarge()}. */
    public int maxBytes() {
        return maxBytes;
    }

    /** RFC 7591 §3.1: registration requests are JSON; the body as it came, once its type is checked. */
    public byte[] json(String contentType, byte[] body) {
        requireMediaType(contentType, JSON);
        return body;
    }

    private static void requireMediaType(String contentType, String expected) {
        if (contentType == null) {
            throw OAuthError.INVALID_REQUEST.toException("Content-Type must be " + expected);
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase(expected)) {
            throw OAuthError.INVALID_REQUEST.toException("Content-Type must be " + expected);
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim().toLowerCase(Locale.ROOT);
            if (parameter.startsWith("charset=")
                    && !parameter.substring("charset=".length()).replace("\"", "").equals("utf-8")) {
                throw OAuthError.INVALID_REQUEST.toException("the only accepted charset is UTF-8");
            }
        }
    }

    /** 413, as an OAuth {@code invalid_request}. */
    public RuntimeException tooLarge() {
        return OAuthError.INVALID_REQUEST.withStatus(413)
                .toException("the request body is larger than " + maxBytes + " bytes");
    }
}
