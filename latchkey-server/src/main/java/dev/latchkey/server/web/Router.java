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
    record Call(HttpFields headers, byte[] body, List<String> parameters, String query, String source,
            java.util.function.Supplier<List<java.security.cert.X509Certificate>> certificateChain) {

        Call(HttpFields headers, byte[] body, List<String> parameters, String query, String source) {
            this(headers, body, parameters, query, source, List::of);
        }

        /** The client certificate chain (mutual TLS, or a trusted proxy's Client-Cert), read when asked for. */
        List<java.security.cert.X509Certificate> certificates() {
            return certificateChain.get();
        }

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
    private final ClientAddress addresses;
    /** The access log: off unless --access-log turned its logger on. */
    static final org.slf4j.Logger ACCESS_LOG = org.slf4j.LoggerFactory.getLogger("latchkey.access");

    Router(RequestBodies bodies, Failures failures, Metrics metrics, IdleReclaimer idle, ClientAddress addresses) {
        this.addresses = addresses;
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

    /**
     * One request in flight: what its answer needs (where to write it) and what is recorded when
     * it is written (its route label for the metrics, when it began, its request id).
     */
    private record Exchange(Request request, Response response, Callback callback, long started, String requestId,
            io.opentelemetry.api.trace.Span span) {
    }

    /** Reads W3C trace context (traceparent, tracestate) from a request's headers. */
    private static final io.opentelemetry.context.propagation.TextMapGetter<Request> HEADERS =
            new io.opentelemetry.context.propagation.TextMapGetter<>() {
                @Override
                public Iterable<String> keys(Request request) {
                    return request.getHeaders().getFieldNamesCollection();
                }

                @Override
                public String get(Request request, String key) {
                    return request == null ? null : request.getHeaders().get(key);
                }
            };

    /** The request's server span, a child of the caller's trace if it sent one (W3C Trace Context). */
    private static io.opentelemetry.api.trace.Span serverSpan(Request request) {
        io.opentelemetry.context.Context parent = io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator
                .getInstance().extract(io.opentelemetry.context.Context.root(), request, HEADERS);
        return dev.latchkey.core.trace.Tracing.tracer().spanBuilder(request.getMethod()).setParent(parent)
                .setSpanKind(io.opentelemetry.api.trace.SpanKind.SERVER)
                .setAttribute("http.request.method", request.getMethod()).startSpan();
    }

    /** A request id given by a proxy in front is kept if it is short and plain; else one is made. */
    private static final java.util.regex.Pattern PLAIN_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    static final String REQUEST_ID = "X-Request-Id";
    /** The MDC key of the request id: the ECS field name, so JSON log lines carry it as such. */
    static final String REQUEST_ID_MDC = "http.request.id";

    private static String requestId(Request request) {
        String given = request.getHeaders().get(REQUEST_ID);
        if (given != null && PLAIN_ID.matcher(given).matches()) {
            return given;
        }
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        return Long.toHexString(random.nextLong() | Long.MIN_VALUE);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        idle.touch();
        boolean traced = dev.latchkey.core.trace.Tracing.enabled();
        Exchange exchange = new Exchange(request, response, callback, System.nanoTime(), requestId(request),
                traced ? serverSpan(request) : io.opentelemetry.api.trace.Span.getInvalid());
        inContext(exchange, () -> receive(exchange));
        return true;
    }

    /**
     * Runs {@code work} (on whichever thread) with the request's id in the logging context and its
     * span current, so log lines and child spans written meanwhile belong to the request.
     */
    private static void inContext(Exchange exchange, Runnable work) {
        boolean traced = exchange.span().getSpanContext().isValid();
        org.slf4j.MDC.put(REQUEST_ID_MDC, exchange.requestId());
        if (traced) {
            org.slf4j.MDC.put("trace.id", exchange.span().getSpanContext().getTraceId());
        }
        try (io.opentelemetry.context.Scope scope = traced ? exchange.span().makeCurrent() : null) {
            work.run();
        } finally {
            org.slf4j.MDC.remove(REQUEST_ID_MDC);
            org.slf4j.MDC.remove("trace.id");
        }
    }

    private void receive(Exchange exchange) {
        Request request = exchange.request();
        Match match = match(Request.getPathInContext(request));
        if (request.getLength() == 0
                || request.getLength() < 0 && !request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
            dispatch(exchange, match, NO_BODY);
            return;
        }
        // Usually the body came with the headers and this completes at once, on this thread.
        CompletableFuture<byte[]> reading = BodyReader.read(request, bodies);
        if (!reading.isDone()) {
            metrics.bodyPending();
            reading.whenComplete((body, failure) -> metrics.bodyArrived());
        }
        // Completes on this thread if the body came with the headers, else on the one that read its end.
        reading.whenComplete((body, failure) -> inContext(exchange, () -> {
            try {
                if (failure != null) {
                    String label = match == null ? UNMATCHED : match.resource().pattern();
                    answer(exchange, label, failures.reply(failure, request.getMethod(),
                            Request.getPathInContext(request), label));
                } else {
                    dispatch(exchange, match, body);
                }
            } catch (Throwable e) {
                exchange.callback().failed(e);
            }
        }));
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

    private void dispatch(Exchange exchange, Match match, byte[] body) {
        Request request = exchange.request();
        String method = request.getMethod();
        if (match == null) {
            answer(exchange, UNMATCHED, ErrorResponses.reply(ErrorResponses.forStatus(404, "No such endpoint")));
            return;
        }
        Resource resource = match.resource();
        Route route = resource.byMethod().get(method);
        if (route == null && HttpMethod.HEAD.is(method)) {
            route = resource.byMethod().get("GET");
        }
        String pattern = resource.pattern();
        if (route == null) {
            Reply refused = ErrorResponses.reply(ErrorResponses.forStatus(405, "Method not allowed on this endpoint"));
            Map<String, String> headers = new LinkedHashMap<>(refused.headers());
            headers.put("Allow", resource.allow());
            answer(exchange, pattern, new Reply(405, headers, refused.body()));
            return;
        }
        CompletableFuture<Reply> answer;
        try {
            answer = route.handle(new Call(request.getHeaders(), body, match.parameters(),
                    request.getHttpURI().getQuery(), addresses.of(request), () -> addresses.certificates(request)));
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((reply, failure) -> {
            try {
                answer(exchange, pattern, reply != null ? reply
                        : failures.reply(failure, method, Request.getPathInContext(request), pattern));
            } catch (RuntimeException e) {
                exchange.callback().failed(e);
            }
        });
    }

    /** Writes the answer with the request's id, and records it: the metrics, and the access log if on. */
    private void answer(Exchange exchange, String label, Reply reply) {
        exchange.response().getHeaders().put(REQUEST_ID, exchange.requestId());
        write(exchange.response(), reply, exchange.callback());
        long elapsed = System.nanoTime() - exchange.started();
        metrics.request(label, exchange.request().getMethod(), reply.status(), elapsed);
        if (exchange.span().getSpanContext().isValid()) {
            io.opentelemetry.api.trace.Span span = exchange.span();
            span.updateName(exchange.request().getMethod() + " " + label);
            span.setAttribute("http.route", label);
            span.setAttribute("http.response.status_code", reply.status());
            span.setAttribute("http.request.id", exchange.requestId());
            if (reply.status() >= 500) {
                span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR);
            }
            span.end();
        }
        if (ACCESS_LOG.isInfoEnabled()) {
            access(exchange, reply, elapsed, addresses.of(exchange.request()));
        }
    }

    /**
     * One access log line: method, path (never the query: it may carry codes or state), status,
     * bytes, milliseconds, source address, request id. In JSON the same as ECS fields.
     */
    private static void access(Exchange exchange, Reply reply, long elapsed, String source) {
        Request request = exchange.request();
        String path = Failures.printable(Request.getPathInContext(request));
        if (path.length() > 200) {
            path = path.substring(0, 200) + "...";
        }
        java.util.Map<String, String> before = org.slf4j.MDC.getCopyOfContextMap();
        try {
            org.slf4j.MDC.put(REQUEST_ID_MDC, exchange.requestId());
            org.slf4j.MDC.put("http.request.method", request.getMethod());
            org.slf4j.MDC.put("url.path", path);
            org.slf4j.MDC.put("http.response.status_code", Integer.toString(reply.status()));
            org.slf4j.MDC.put("http.response.body.bytes", Integer.toString(reply.body().length));
            org.slf4j.MDC.put("event.duration", Long.toString(elapsed));
            org.slf4j.MDC.put("client.address", source);
            ACCESS_LOG.info("{} {} {} {} bytes {} ms {}", request.getMethod(), path, reply.status(),
                    reply.body().length, String.format(java.util.Locale.ROOT, "%.2f", elapsed / 1e6), source);
        } finally {
            if (before == null) {
                org.slf4j.MDC.clear();
            } else {
                org.slf4j.MDC.setContextMap(before);
            }
        }
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
