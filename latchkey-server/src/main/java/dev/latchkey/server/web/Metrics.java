package dev.latchkey.server.web;

import dev.latchkey.core.client.TokenFormat;
import dev.latchkey.core.grant.GrantRequest;
import dev.latchkey.server.render.Reply;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Prometheus metrics ({@code GET /metrics}): tokens issued by grant and format, OAuth errors by
 * endpoint and code, and the JVM's memory, threads and CPU.
 *
 * <p>Counting is a {@link LongAdder} increment on the request path. The Prometheus registry (with
 * the JVM's meters, through JMX) is slow to build, so it is built off the start: on the first
 * scrape or {@value #BUILD_AFTER_SECONDS} s after start, whichever comes first (BENCHMARKS.md,
 * "Start"). It reads the adders when it is ready: no token request waits for it, and none goes
 * uncounted. Thread-safe.
 */
final class Metrics {

    private record Counted(String name, Tags tags, LongAdder count) {
    }

    /** How long after start the registry is built if no scrape asked for it sooner. */
    private static final long BUILD_AFTER_SECONDS = 10;

    private final Map<String, Counted> counters = new ConcurrentHashMap<>();
    /** Requests whose body is still arriving: each holds a connection and no thread (see BodyReader). */
    private final java.util.concurrent.atomic.AtomicInteger bodiesPending = new java.util.concurrent.atomic.AtomicInteger();
    private final CompletableFuture<PrometheusMeterRegistry> registry = new CompletableFuture<>();
    private final AtomicBoolean building = new AtomicBoolean();

    Metrics() {
        CompletableFuture.delayedExecutor(BUILD_AFTER_SECONDS, TimeUnit.SECONDS).execute(this::build);
    }

    // Once, on whichever thread asks first: the timer's, or a scrape's (which then waits for it).
    private void build() {
        if (!building.compareAndSet(false, true)) {
            return;
        }
        try {
            PrometheusMeterRegistry built = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(built);
            new JvmThreadMetrics().bindTo(built);
            new ProcessorMetrics().bindTo(built);
            io.micrometer.core.instrument.Gauge.builder("latchkey_http_request_bodies_pending", bodiesPending,
                    java.util.concurrent.atomic.AtomicInteger::get)
                    .description("Requests whose body is still arriving (they hold a connection, no thread)")
                    .register(built);
            registry.complete(built);
        } catch (RuntimeException | LinkageError e) {
            registry.completeExceptionally(e);
        }
    }

    void issued(GrantRequest grant, TokenFormat format) {
        String grantType = grant.type().wireName();
        count("issued:" + grantType + ":" + format.wireName(), "latchkey_tokens_issued",
                Tags.of("grant_type", grantType, "format", format.wireName()));
    }

    /** A request body started to arrive in pieces; call {@link #bodyArrived} when it is whole or failed. */
    void bodyPending() {
        bodiesPending.incrementAndGet();
    }

    void bodyArrived() {
        bodiesPending.decrementAndGet();
    }

    void error(String endpoint, String code) {
        count("error:" + endpoint + ":" + code, "latchkey_oauth_errors", Tags.of("endpoint", endpoint, "error", code));
    }

    private void count(String key, String name, Tags tags) {
        Counted counted = counters.get(key);
        if (counted == null) {
            counted = counters.computeIfAbsent(key, k -> {
                Counted created = new Counted(name, tags, new LongAdder());
                registry.thenAccept(ready -> register(ready, created));
                return created;
            });
        }
        counted.count().increment();
    }

    // Each counter registers itself, once: when it is created if the registry is ready, else when it
    // becomes ready (Micrometer logs a warning for a second registration of the same meter).
    private static void register(PrometheusMeterRegistry ready, Counted counted) {
        FunctionCounter.builder(counted.name(), counted.count(), LongAdder::doubleValue).tags(counted.tags())
                .register(ready);
    }

    Reply handle(Router.Call call) {
        build();
        return new Reply(200, Map.of("Content-Type", "text/plain; version=0.0.4; charset=utf-8"),
                registry.join().scrape().getBytes(StandardCharsets.UTF_8));
    }
}
