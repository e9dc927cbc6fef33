package dev.latchkey.server.convert;

import dev.latchkey.core.error.OAuthError;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * Reads request bodies for the endpoints: checks the media type, reads at most the configured
 * number of bytes (413 above it) and hands back a decoded form or the raw bytes.
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
        return FormDecoder.decode(read(ctx.req().getContentLengthLong(), input(ctx)));
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
        return read(ctx.req().getContentLengthLong(), input(ctx));
    }

    private static InputStream input(Context ctx) {
        try {
            return ctx.req().getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the request body failed", e);
        }
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

    private byte[] read(long declared, InputStream body) {
        if (declared > maxBytes) {
            drain(body, declared);
            throw tooLarge();
        }
        try (InputStream in = body) {
            if (declared >= 0) {
                // The usual case: read exactly the declared length into one array.
                byte[] bytes = new byte[(int) declared];
                int read = in.readNBytes(bytes, 0, bytes.length);
                return read == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, read);
            }
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw tooLarge();
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("reading the request body failed", e);
        }
    }

    // Reading (a bounded amount of) the refused body lets the client finish sending and read the
    // 413; closing on unread data would reset the connection and lose the answer.
    private static void drain(InputStream body, long declared) {
        try {
            body.skipNBytes(Math.min(declared, DRAIN_LIMIT));
        } catch (IOException | RuntimeException e) {
            // the connection is closed after a 413 anyway
        }
    }

    /** How much of a refused body is read (and dropped) so that the client can read the 413. */
    public static final long DRAIN_LIMIT = 1024 * 1024;

    /** 413, as an OAuth {@code invalid_request}. */
    public RuntimeException tooLarge() {
        return OAuthError.INVALID_REQUEST.withStatus(413)
                .toException("the request body is larger than " + maxBytes + " bytes");
    }
}
