package dev.latchkey.server.convert;

import dev.latchkey.core.error.OAuthError;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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

    /** RFC 6749 §3.2: token endpoint requests are form-encoded POSTs. */
    public Form form(Context ctx) {
        requireForm(ctx.header("Content-Type"));
        return FormDecoder.decode(read(ctx));
    }

    /** The media type check of {@link #form(Context)}, for a layer that reads the body itself. */
    public void requireForm(String contentType) {
        requireMediaType(contentType, FORM);
    }

    /** The most bytes a body may have; a larger one is answered with {@link #tooLarge()}. */
    public int maxBytes() {
        return maxBytes;
    }

    public byte[] json(Context ctx) {
        requireMediaType(ctx.header("Content-Type"), JSON);
        return read(ctx);
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

    // The body is already in memory and within the limit: the web layer reads every body before
    // any route runs and answers 413 itself (dev.latchkey.server.web.BufferedBodies).
    private static byte[] read(Context ctx) {
        try (InputStream in = ctx.req().getInputStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the request body failed", e);
        }
    }

    /** 413, as an OAuth {@code invalid_request}. */
    public RuntimeException tooLarge() {
        return OAuthError.INVALID_REQUEST.withStatus(413)
                .toException("the request body is larger than " + maxBytes + " bytes");
    }
}
