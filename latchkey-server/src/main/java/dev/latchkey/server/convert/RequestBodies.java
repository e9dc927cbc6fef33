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

    /**
     * RFC 9110 §8.3.1: {@code media-type = type "/" subtype parameters}, where parameters are
     * {@code *( OWS ";" OWS [ name "=" value ] )}: empty parameters are allowed, a parameter without
     * {@code =} or without a name is not. Anything that does not parse, or names another type or a
     * charset other than UTF-8, is {@code invalid_request}.
     */
    static void requireMediaType(String contentType, String expected) {
        if (contentType == null) {
            throw wrongType(expected);
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        if (!type.equalsIgnoreCase(expected)) {
            throw wrongType(expected);
        }
        if (semicolon < 0) {
            return;
        }
        for (String parameter : contentType.substring(semicolon + 1).split(";", -1)) {
            String trimmed = parameter.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int equals = trimmed.indexOf('=');
            if (equals <= 0) {
                throw OAuthError.INVALID_REQUEST.toException("Content-Type has a malformed parameter");
            }
            String name = trimmed.substring(0, equals).trim().toLowerCase(Locale.ROOT);
            String value = unquote(trimmed.substring(equals + 1).trim());
            if (name.equals("charset") && !value.equalsIgnoreCase("utf-8")) {
                throw OAuthError.INVALID_REQUEST.toException("the only accepted charset is UTF-8");
            }
        }
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    private static RuntimeException wrongType(String expected) {
        return OAuthError.INVALID_REQUEST.toException("Content-Type must be " + expected);
    }

    /** 413, as an OAuth {@code invalid_request}. */
    public RuntimeException tooLarge() {
        return OAuthError.INVALID_REQUEST.withStatus(413)
                .toException("the request body is larger than " + maxBytes + " bytes");
    }
}
