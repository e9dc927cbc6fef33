package dev.latchkey.server.web;

import dev.latchkey.core.client.TokenFormat;
import dev.latchkey.core.grant.ClientCredentialsGrant;
import dev.latchkey.core.grant.GrantRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.javalin.http.Context;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus metrics ({@code GET /metrics}): tokens issued by grant and format, OAuth errors by
 * endpoint and code, and the JVM's memory, threads and CPU. Counters on the token path are looked
 * up once and cached. Thread-safe.
 */
final class Metrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    void issued(GrantRequest grant, TokenFormat format) {
        String grantType = grant instanceof ClientCredentialsGrant ? "client_credentials" : "refresh_token";
        counters.computeIfAbsent("issued:" + grantType + ":" + format.wireName(), key -> Counter
                .builder("latchkey_tokens_issued").tag("grant_type", grantType).tag("format", format.wireName())
                .register(registry)).increment();
    }

    void error(String endpoint, String code) {
        counters.computeIfAbsent("error:" + endpoint + ":" + code, key -> Counter
                .builder("latchkey_oauth_errors").tag("endpoint", endpoint).tag("error", code)
                .register(registry)).increment();
    }

    void handle(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    }
}
