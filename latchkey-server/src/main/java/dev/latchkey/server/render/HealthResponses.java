package dev.latchkey.server.render;

import java.util.Map;

/**
 * {@code /health/ready}: ready when every check passes (the database answers reads and takes writes,
 * a signing key signs, every migration is applied), with each check named; {@code /health/live}: the
 * process runs; {@code /health/started}: the store and keys are open.
 */
public final class HealthResponses {

    private static final Map<String, String> NO_CACHE = Map.of("Cache-Control", "no-store");
    private static final Reply UP = new Reply(200, NO_CACHE, Json.bytes(Map.of("status", "UP")));
    private static final Reply DOWN = new Reply(503, NO_CACHE, Json.bytes(Map.of("status", "DOWN")));

    private HealthResponses() {
    }

    public static Reply ready(boolean ready) {
        return ready ? UP : DOWN;
    }

    /** 200 if every check passed, else 503; the body names each check and its state. */
    public static Reply ready(Map<String, Boolean> checks) {
        boolean up = checks.values().stream().allMatch(Boolean::booleanValue);
        Map<String, Object> named = new java.util.LinkedHashMap<>();
        checks.forEach((name, passed) -> named.put(name, passed ? "UP" : "DOWN"));
        return new Reply(up ? 200 : 503, NO_CACHE, Json.bytes(Map.of("status", up ? "UP" : "DOWN", "checks", named)));
    }

    public static Reply live() {
        return UP;
    }
}
