package dev.latchkey.server.web;

import dev.latchkey.server.Latchkey;
import dev.latchkey.server.render.Json;
import dev.latchkey.server.render.Reply;
import java.util.Map;
import java.util.function.Supplier;

/** {@code /health} (ready: the database answers reads and takes writes) and {@code /health/live} (the process runs). */
final class HealthEndpoint {

    private final Supplier<Latchkey> latchkey;

    /** @param latchkey the service; readiness waits for it while it is still opening */
    HealthEndpoint(Supplier<Latchkey> latchkey) {
        this.latchkey = latchkey;
    }

    private static final Map<String, String> NO_CACHE = Map.of("Cache-Control", "no-store");
    private static final byte[] UP = Json.bytes(Map.of("status", "UP"));
    private static final byte[] DOWN = Json.bytes(Map.of("status", "DOWN", "database", "cannot read or write"));

    Reply ready(Router.Call call) {
        return latchkey.get().isReady() ? new Reply(200, NO_CACHE, UP) : new Reply(503, NO_CACHE, DOWN);
    }

    Reply live(Router.Call call) {
        return new Reply(200, Map.of(), UP);
    }
}
