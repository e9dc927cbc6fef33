package dev.latchkey.server.web;

import dev.latchkey.core.client.TokenFormat;
import dev.latchkey.core.grant.ClientCredentialsGrant;
import dev.latchkey.core.grant.GrantRequest;
import io.javalin.http.Context;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Prometheus metrics ({@code GET /metrics}): tokens issued by grant and format, OAuth errors by
 * endpoint and code, and the JVM's memory, threads and CPU.
 *
 * <p>Counting is a {@link LongAdder} increment on the request path. The Prometheus registry takes
 * about 200 ms to build, a fifth of the time to the first token, so it is built in the background
 * at start and reads the adders when it is ready: no request waits for it, and none goes uncounted.
 * Thread-safe.
 */
final class Metrics {

    private record Counted(String name, Tags tags, LongAdder count) {
    }

    private final Map<String, Counted> counters = new ConcurrentHashMap<>();
    private final CompletableFuture<PrometheusMeterRegistry> registry = CompletableFuture.supplyAsync(() -> {
        PrometheusMeterRegistry built = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(built);
        new JvmThreadMetrics().bindTo(built);
        new ProcessorMetrics().bindTo(built);
        return built;
    });

    Metrics() {
        registry.thenAccept(ready -> counters.values().forEach(counted -> register(ready, counted)));
    }

    void issued(GrantRequest grant, TokenFormat format) {
        String grantType = grant instanceof ClientCredentialsGrant ? "client_credentials" : "refresh_token";
        count("issued:" + grantType + ":" + format.wireName(), "latchkey_tokens_issued",
                Tags.of("grant_type", grantType, "format", format.wireName()));
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

    // Registering twice (a counter created while the registry was becoming ready) is harmless:
    // Micrometer returns the meter already registered under the same name and tags.
    private static void register(PrometheusMeterRegistry ready, Counted counted) {
        FunctionCounter.builder(counted.name(), counted.count(), LongAdder::doubleValue).tags(counted.tags())
                .register(ready);
    }

    void handle(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.join().scrape());
    }
}
