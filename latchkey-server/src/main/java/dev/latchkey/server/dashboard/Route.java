package dev.latchkey.server.dashboard;

import dev.latchkey.server.render.Reply;
import java.util.function.Function;

/**
 * One route of the dashboard or the admin API: method, path pattern (whole segments {@code {name}}
 * are parameters) and what answers it. Every route waits for the store, so the web layer runs it
 * on the store workers.
 */
public record Route(String method, String pattern, Function<Request, Reply> handler) {
}
