package dev.latchkey.server.web;

import dev.latchkey.server.convert.Form;
import dev.latchkey.server.convert.FormDecoder;
import dev.latchkey.server.convert.RequestBodies;
import dev.latchkey.server.render.Reply;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The two endpoints every load repeats, {@code POST /oauth2/token} and {@code POST /oauth2/introspect},
 * on Jetty's core handler API in front of Javalin: no servlet layer, and an answer that waits for the
 * store is written from the thread the store answered on, with no servlet {@code AsyncContext}. The
 * body has already been read, without a thread, by {@link BufferedBodies} in front of this handler.
 * Any other request, other methods on these two paths included, falls through to Javalin
 * ({@link Routes}), which answers those with 405.
 *
 * <p>Measured against the same endpoints as Javalin routes (latchkey-bench/load/ab.sh, 2 cores,
 * 64 connections, 8 HTTP threads, builds alternated, medians): JWTs 19,555 -> 21,801/s (CPU per
 * request 74-80 -> 65-68 us, p99 9.4-11.9 -> 6.8-9.2 ms); opaque tokens on SQLite 16,348 -> 18,985/s.
 */
final class JettyRoutes extends Handler.Abstract {

    /** An endpoint behind this handler: the Authorization header and the form in, a reply out. */
    @FunctionalInterface
    interface Endpoint {
        CompletableFuture<Reply> handle(String authorization, Form form);
    }

    private final Map<String, Function<Routes.Endpoints, Endpoint>> routes;
    private final CompletableFuture<Routes.Endpoints> ready;
    private final RequestBodies bodies;
    private final Failures failures;
    private final IdleReclaimer idle;

    JettyRoutes(Map<String, Function<Routes.Endpoints, Endpoint>> routes, CompletableFuture<Routes.Endpoints> ready,
            RequestBodies bodies, Failures failures, IdleReclaimer idle) {
        this.routes = Map.copyOf(routes);
        this.ready = ready;
        this.bodies = bodies;
        this.failures = failures;
        this.idle = idle;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!HttpMethod.POST.is(request.getMethod())) {
            return false;
        }
        String path = request.getHttpURI().getPath();
        Function<Routes.Endpoints, Endpoint> route = routes.get(path);
        if (route == null) {
            return false;
        }
        idle.touch();
        CompletableFuture<Reply> answer;
        try {
            // A request that comes while the service is still starting waits for it (see Routes#create).
            Endpoint endpoint = route.apply(ready.join());
            HttpFields headers = request.getHeaders();
            String authorization = headers.get(HttpHeader.AUTHORIZATION);
            bodies.requireForm(headers.get(HttpHeader.CONTENT_TYPE));
            answer = endpoint.handle(authorization, FormDecoder.decode(BufferedBodies.body(request)));
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((reply, failure) -> {
            try {
                write(response, reply != null ? reply : failures.reply(failure, "POST", path, path), callback);
            } catch (RuntimeException e) {
                callback.failed(e);
            }
        });
        return true;
    }

    static void write(Response response, Reply reply, Callback callback) {
        response.setStatus(reply.status());
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, Reply.CONTENT_TYPE);
        reply.headers().forEach(headers::put);
        headers.put(HttpHeader.CONTENT_LENGTH, reply.body().length);
        response.write(true, ByteBuffer.wrap(reply.body()), callback);
    }
}
