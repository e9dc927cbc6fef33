package dev.latchkey.server.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;

/** JSON out: one shared, thread-safe Jackson mapper. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }

    public static void write(Context ctx, int status, Object value) {
        ctx.status(status).contentType("application/json;charset=UTF-8");
        send(ctx, bytes(value));
    }

    /**
     * Writes the body straight to the servlet response. (Javalin's own result path copies every
     * body through a freshly allocated 8 KiB buffer, a third of the token endpoint's garbage.)
     */
    public static void send(Context ctx, byte[] body) {
        try {
            ctx.res().setContentLength(body.length);
            ctx.res().getOutputStream().write(body);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("writing the response failed", e);
        }
    }

    /** RFC 6749 §5.1: responses that carry tokens or credentials must not be cached. */
    public static void noStore(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.header("Pragma", "no-cache");
    }
}
