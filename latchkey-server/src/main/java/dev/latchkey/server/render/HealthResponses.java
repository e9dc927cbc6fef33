package dev.latchkey.server.render;

import java.util.Map;

/** {@code /health}: ready when the database answers reads and takes writes; {@code /health/live}: the process runs. */
public final class HealthResponses {

    private static final Map<String, String> NO_CACHE = Map.of("Cache-Control", "no-store");
    private static final Reply UP = new Reply(200, NO_CACHE, Json.bytes(Map.of("status", "UP")));
    private static final Reply DOWN =
            new Reply(503, NO_CACHE, Json.bytes(Map.of("status", "DOWN", "database", "cannot read or write")));

    private HealthResponses() {
    }

    public static Reply ready(boolean ready) {
        return ready ? UP : DOWN;
    }

    public static Reply live() {
        return UP;
    }
}
