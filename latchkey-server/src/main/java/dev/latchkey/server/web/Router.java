package dev.latchkey.server.web;

import dev.latchkey.server.convert.Form;
import dev.latchkey.server.convert.RequestBodies;
import dev.latchkey.server.render.ErrorResponses;
import dev.latchkey.server.render.Reply;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Every route, on Jetty's core handler API: a path (or a path ending in one parameter segment)
 * and a method lead to a {@link Route}, whose {@link Reply} is written from whichever thread it
 * completes on, so an answer that waits for the store holds no HTTP thread.
 *
 * <p>Every request body is read to its end before any route runs ({@link BodyReader}: no thread is
 * held while it arrives). The HTTP pool has a few threads per core; a route that read its body with
 * blocking calls would let as many clients as threads, stalling in the middle of a body, stop the
 * whole server until Jetty's idle timeout. A body over the limit is answered 413 here, so the routes
 * see at most the limit.
 *
 * <p>A path no route has is 404; a method a path does not take is 405 with {@code Allow}
 * (RFC 9110 §15.5.6); HEAD runs the GET route and Jetty sends its headers only (RFC 9110 §9.3.2).
 * Both are OAuth JSON errors, like every other answer (RFC 6749 §5.2).
 *
 * <p>No framework between Jetty and the routes (BENCHMARKS.md, "Javalin removed").
 */
final class Router extends Handler.Abstract {

    /**
     * What an endpoint sees of a request: its headers, its whole body, the path parameters of its
     * route in order, its query string (null if none) and its source address.
     */
    record Call(HttpFields headers, byte[] body, List<String> parameters, String query, String source) {

        Call {
            parameters = List.copyOf(parameters);
        }

        String header(HttpHeader name) {
            return headers.get(name);
        }

        /** The first path parameter, or null. */
        String pathParameter() {
            return parameters.isEmpty() ? null : parameters.get(0);
        }

        String parameter(int index) {
            return parameters.get(index);
        }

        /** The body as a form, once its media type is checked. */
        Form form(RequestBodies bodies) {
            return bodies.form(header(HttpHeader.CONTENT_TYPE), body);
        }
    }

    /** An endpoint that may answer later, from another thread. */
    @FunctionalInterface
    interface Route {
        CompletableFuture<Reply> handle(Call call);
    }

    /** An endpoint that answers before it returns. */
    @FunctionalInterface
    interface Immediate {
        Reply handle(Call call);
    }

    /** The routes of one path, and the {@code Allow} header of a 405 there. */
    private record Resource(String pattern, Map<String, Route> byMethod, String allow) {
    }

    /** The resource a path leads to and its parameters. */
    private record Match(Resource resource, List<String> parameters) {
    }

    /** A pattern with parameters, as its segments ({@code null} where a parameter stands). */
    private record Template(String[] segments, Resource resource) {
    }

    /**
     * The metric label of a request no route matches. Labels come from the route table only, never
     * from the request: a label per distinct path would let anyone grow the metrics without bound.
     */
    static final String UNMATCHED = "unmatched";

    private static final byte[] NO_BODY = new byte[0];

    private final Map<String, Resource> exact = new LinkedHashMap<>();
    private final Map<String, Template> templated = new LinkedHashMap<>(); // by pattern
    private final RequestBodies bodies;
    private final Failures failures;
    private final Metrics metrics;
    private final IdleReclaimer idle;

    Router(RequestBodies bodies, Failures failures, Metrics metrics, IdleReclaimer idle) {
        this.bodies = bodies;
        this.failures = failures;
        this.metrics = metrics;
        this.idle = idle;
    }

    /** @param pattern an exact path, or one with whole segments {@code {parameter}} */
    Router route(HttpMethod method, String pattern, Route route) {
        boolean exactPath = pattern.indexOf('{') < 0;
        Resource current = exactPath ? exact.get(pattern)
                : templated.containsKey(pattern) ? templated.get(pattern).resource() : null;
        Map<String, Route> byMethod = new LinkedHashMap<>(current == null ? Map.of() : current.byMethod());
        byMethod.put(method.asString(), route);
        List<String> allowed = new ArrayList<>(byMethod.keySet());
        if (allowed.contains("GET")) {
            allowed.add(allowed.indexOf("GET") + 1, "HEAD");
        }
        Resource resource = new Resource(pattern, byMethod, String.join(", ", allowed));
        if (exactPath) {
            exact.put(pattern, resource);
        } else {
            String[] segments = pattern.split("/", -1);
            for (int i = 0; i < segments.length; i++) {
                segments[i] = segments[i].startsWith("{") ? null : segments[i];
            }
            templated.put(pattern, new Template(segments, resource));
        }
        return this;
    }

    /** Every route, as method and pattern (HEAD left out): what the OpenAPI document must describe. */
    List<Map.Entry<String, String>> routes() {
        List<Map.Entry<String, String>> routes = new ArrayList<>();
        List<Resource> resources = new ArrayList<>(exact.values());
        templated.values().forEach(template -> resources.add(template.resource()));
        for (Resource resource : resources) {
            resource.byMethod().keySet().forEach(method -> routes.add(Map.entry(method, resource.pattern())));
        }
        return routes;
    }

    /** An endpoint that answers before it returns, as a route. */
    static Route immediate(Immediate endpoint) {
        return call -> CompletableFuture.completedFuture(endpoint.handle(call));
    }

    /**
     * An endpoint that may wait for the store, run on {@code workers} so that no HTTP thread waits
     * with it. When the workers are saturated the executor refuses at once, and the request gets 503.
     */
    static Route onWorkers(Immediate endpoint, Executor workers) {
        return call -> CompletableFuture.supplyAsync(() -> endpoint.handle(call), workers);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        idle.touch();
        Match match = match(Request.getPathInContext(request));
        if (request.getLength() == 0
                || request.getLength() < 0 && !request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
            dispatch(request, response, callback, match, NO_BODY);
            return true;
        }
        // Usually the body came with the headers and this completes at once, on this thread.
        CompletableFuture<byte[]> reading = BodyReader.read(request, bodies);
        if (!reading.isDone()) {
            metrics.bodyPending();
            reading.whenComplete((body, failure) -> metrics.bodyArrived());
        }
        reading.whenComplete((body, failure) -> {
            try {
                if (failure != null) {
                    String label = match == null ? UNMATCHED : match.resource().pattern();
                    write(response, failures.reply(failure, request.getMethod(), Request.getPathInContext(request),
                            label), callback);
                } else {
                    dispatch(request, response, callback, match, body);
                }
            } catch (Throwable e) {
                callback.failed(e);
            }
        });
        return true;
    }

    private Match match(String path) {
        Resource resource = exact.get(path);
        if (resource != null) {
            return new Match(resource, List.of());
        }
        String[] segments = path.split("/", -1);
        for (Template template : templated.values()) {
            List<String> parameters = template.segments().length == segments.length ? matches(template, segments) : null;
            if (parameters != null) {
                return new Match(template.resource(), parameters);
            }
        }
        return null;
    }

    /** The parameters if every fixed segment is equal and every parameter segment is not empty; else null. */
    private static List<String> matches(Template template, String[] segments) {
        List<String> parameters = new ArrayList<>(2);
        for (int i = 0; i < segments.length; i++) {
            String fixed = template.segments()[i];
            if (fixed == null) {
                if (segments[i].isEmpty()) {
                    return null;
                }
                parameters.add(segments[i]);
            } else if (!fixed.equals(segments[i])) {
                return null;
            }
        }
        return parameters;
    }

    private void dispatch(Request request, Response response, Callback callback, Match match, byte[] body) {
        String method = request.getMethod();
        if (match == null) {
            write(response, ErrorResponses.reply(ErrorResponses.forStatus(404, "No such endpoint")), callback);
            return;
        }
        Resource resource = match.resource();
        Route route = resource.byMethod().get(method);
        if (route == null && HttpMethod.HEAD.is(method)) {
            route = resource.byMethod().get("GET");
        }
        if (route == null) {
            Reply refused = ErrorResponses.reply(ErrorResponses.forStatus(405, "Method not allowed on this endpoint"));
            Map<String, String> headers = new LinkedHashMap<>(refused.headers());
            headers.put("Allow", resource.allow());
            write(response, new Reply(405, headers, refused.body()), callback);
            return;
        }
        CompletableFuture<Reply> answer;
        try {
            answer = route.handle(new Call(request.getHeaders(), body, match.parameters(),
                    request.getHttpURI().getQuery(), Request.getRemoteAddr(request)));
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        String pattern = resource.pattern();
        answer.whenComplete((reply, failure) -> {
            try {
                write(response, reply != null ? reply
                        : failures.reply(failure, method, Request.getPathInContext(request), pattern), callback);
            } catch (RuntimeException e) {
                callback.failed(e);
            }
        });
    }

    /** Writes a reply: JSON unless its headers name another type; an empty body has no type. */
    static void write(Response response, Reply reply, Callback callback) {
        response.setStatus(reply.status());
        HttpFields.Mutable headers = response.getHeaders();
        byte[] body = reply.body();
        if (body.length > 0) {
            headers.put(HttpHeader.CONTENT_TYPE, Reply.CONTENT_TYPE);
        }
        reply.headers().forEach(headers::put);
        if (reply.status() != 204) { // RFC 9110 §8.6: no Content-Length on a 204
            headers.put(HttpHeader.CONTENT_LENGTH, body.length);
        }
        response.write(true, body.length == 0 ? null : ByteBuffer.wrap(body), callback);
    }
}
