package dev.latchkey.server.web;

import dev.latchkey.server.Latchkey;
import dev.latchkey.server.render.Json;
import io.javalin.http.Context;
import java.util.Map;
import java.util.function.Supplier;

/** {@code /health} (ready: the database answers) and {@code /health/live} (the process runs). */
final class HealthEndpoint {

    private final Supplier<Latchkey> latchkey;

    /** @param latchkey the service; readiness waits for it while it is still opening */
    HealthEndpoint(Supplier<Latchkey> latchkey) {
        this.latchkey = latchkey;
    }

    void ready(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        if (latchkey.get().isReady()) {
            Json.write(ctx, 200, Map.of("status", "UP"));
        } else {
            Json.write(ctx, 503, Map.of("status", "DOWN", "database", "unreachable"));
        }
    }

    void live(Context ctx) {
        Json.write(ctx, 200, Map.of("status", "UP"));
    }
}
