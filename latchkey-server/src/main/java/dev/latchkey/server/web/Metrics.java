package dev.latchkey.server.web;

import dev.latchkey.core.client.TokenFormat;
import dev.latchkey.core.grant.GrantRequest;
import dev.latchkey.core.key.KeyRing;
import dev.latchkey.server.render.Reply;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Prometheus metrics ({@code GET /metrics}, text format 0.0.4), every family with {@code # HELP} and
 * {@code # TYPE}, names per the Prometheus conventions (base units, {@code _total} counters):
 * <ul>
 * <li>{@code latchkey_http_requests_total} and {@code latchkey_http_request_duration_seconds}
 *     (a histogram) by route, method and status. Routes come from the route table and methods from
 *     a fixed list, never from the request, so no request can add a series.</li>
 * <li>{@code latchkey_tokens_issued_total} by grant type and format; {@code
 *     latchkey_client_tokens_issued_total} by client, for at most {@code clientLimit} clients (the
 *     busiest since the previous scrape; a series counts only while its client is named, so none ever
 *     goes down), the others summed as {@code client_id="other"}.</li>
 * <li>{@code latchkey_oauth_errors_total} by endpoint and error code; {@code
 *     latchkey_refresh_token_reuse_detected_total}.</li>
 * <li>{@code latchkey_signing_key_age_seconds} by key, algorithm and status; the store's pool,
 *     writer queue and group commits; request bodies still arriving.</li>
 * <li>The JVM and the process (memory, GC, threads, classes, CPU, file descriptors, uptime), through
 *     Micrometer's binders.</li>
 * </ul>
 *
 * <p>Counting on the request path is a few {@link LongAdder} increments. The Micrometer registry
 * (the JVM's meters, through JMX) is slow to build, so it is built off the start: on the first
 * scrape or {@value #BUILD_AFTER_SECONDS} s after start, whichever comes first (BENCHMARKS.md,
 * "Start"). Thread-safe.
 */
public final class Metrics {

    /** Clients named in the per-client counter unless configured otherwise. */
    public static final int DEFAULT_CLIENT_LIMIT = 500;

    private static final long BUILD_AFTER_SECONDS = 10;
    /** Histogram bounds, seconds: from a cached token (sub-millisecond) to a stalled database. */
    static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private static final long[] BUCKET_NANOS = new long[BUCKETS.length];
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    static {
        for (int i = 0; i < BUCKETS.length; i++) {
            BUCKET_NANOS[i] = Math.round(BUCKETS[i] * 1e9);
        }
    }

    private record RequestKey(String route, String method, int status) {
    }

    private static final class Latency {
        final LongAdder[] buckets = new LongAdder[BUCKETS.length + 1];
        final LongAdder nanos = new LongAdder();

        Latency() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        void record(long elapsed) {
            int i = 0;
            while (i < BUCKET_NANOS.length && elapsed > BUCKET_NANOS[i]) {
                i++;
            }
            buckets[i].increment();
            nanos.add(elapsed);
        }
    }

    private final int clientLimit;
    private final Clock clock;
    private final Map<RequestKey, Latency> requests = new ConcurrentHashMap<>();
    private final Map<List<String>, LongAdder> issued = new ConcurrentHashMap<>();
    private final Map<List<String>, LongAdder> errors = new ConcurrentHashMap<>();
    /** Every client's tokens since the start: what the busiest are chosen by. */
    private final Map<String, LongAdder> perClient = new ConcurrentHashMap<>();
    /** Each client's count when the busiest were last chosen. */
    private final Map<String, Long> atLastChoice = new java.util.HashMap<>();
    /** The named clients: their series count the tokens they got while named. */
    private final Map<String, LongAdder> named = new ConcurrentHashMap<>();
    /** The series of clients named before, kept so a client named again goes on from where it was. */
    private final Map<String, LongAdder> series = new ConcurrentHashMap<>();
    /** Tokens of clients that were not named when they got them. */
    private final LongAdder other = new LongAdder();
    private final AtomicInteger bodiesPending = new AtomicInteger();
    private volatile Supplier<Telemetry> telemetry = () -> Telemetry.NONE;
    private final CompletableFuture<PrometheusMeterRegistry> registry = new CompletableFuture<>();
    private final AtomicBoolean building = new AtomicBoolean();

    public Metrics(int clientLimit, Clock clock) {
        this.clientLimit = clientLimit;
        this.clock = clock;
        CompletableFuture.delayedExecutor(BUILD_AFTER_SECONDS, TimeUnit.SECONDS).execute(this::build);
    }

    /** Where the store, key and reuse figures come from, once the service is assembled. */
    public void readFrom(Supplier<Telemetry> source) {
        this.telemetry = source;
    }

    private void build() {
        if (!building.compareAndSet(false, true)) {
            return;
        }
        try {
            PrometheusMeterRegistry built = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(built);
            new JvmGcMetrics().bindTo(built);
            new JvmThreadMetrics().bindTo(built);
            new ClassLoaderMetrics().bindTo(built);
            new ProcessorMetrics().bindTo(built);
            new FileDescriptorMetrics().bindTo(built);
            new UptimeMetrics().bindTo(built);
            registry.complete(built);
        } catch (RuntimeException | LinkageError e) {
            registry.completeExceptionally(e);
        }
    }

    /** A request answered: {@code route} is the route table's pattern (or {@link Router#UNMATCHED}). */
    void request(String route, String method, int status, long nanos) {
        String label = METHODS.contains(method) ? method : "other";
        RequestKey key = new RequestKey(route, label, status);
        Latency latency = requests.get(key);
        if (latency == null) {
            latency = requests.computeIfAbsent(key, k -> new Latency());
        }
        latency.record(nanos);
    }

    void issued(GrantRequest grant, TokenFormat format, String clientId) {
        increment(issued, List.of(format.wireName(), grant.type().wireName()));
        LongAdder client = perClient.get(clientId);
        if (client == null) {
            client = perClient.computeIfAbsent(clientId, id -> new LongAdder());
        }
        client.increment();
        LongAdder shown = named.get(clientId);
        if (shown == null && named.size() < clientLimit) {
            // Room left: named at once (so with fewer clients than the limit every token is in its series).
            shown = named.computeIfAbsent(clientId, id -> series.computeIfAbsent(id, k -> new LongAdder()));
        }
        if (shown != null) {
            shown.increment();
        } else {
            other.increment();
        }
    }

    void error(String endpoint, String code) {
        increment(errors, List.of(endpoint, code));
    }

    private static void increment(Map<List<String>, LongAdder> counters, List<String> labels) {
        LongAdder counter = counters.get(labels);
        if (counter == null) {
            counter = counters.computeIfAbsent(labels, k -> new LongAdder());
        }
        counter.increment();
    }

    /** A request body started to arrive in pieces; call {@link #bodyArrived} when it is whole or failed. */
    void bodyPending() {
        bodiesPending.incrementAndGet();
    }

    void bodyArrived() {
        bodiesPending.decrementAndGet();
    }

    Reply handle(Router.Call call) {
        return new Reply(200, Map.of("Content-Type", "text/plain; version=0.0.4; charset=utf-8"),
                scrape().getBytes(StandardCharsets.UTF_8));
    }

    /** The whole exposition. */
    String scrape() {
        build();
        StringBuilder out = new StringBuilder(16 * 1024);
        requests(out);
        family(out, "latchkey_tokens_issued_total", "counter", "Tokens issued, by grant type and token format");
        sorted(issued).forEach((labels, count) -> sample(out, "latchkey_tokens_issued_total",
                "format", labels.get(0), "grant_type", labels.get(1), count));
        clients(out);
        family(out, "latchkey_oauth_errors_total", "counter", "OAuth error responses, by endpoint and error code");
        sorted(errors).forEach((labels, count) -> sample(out, "latchkey_oauth_errors_total",
                "endpoint", labels.get(0), "error", labels.get(1), count));
        Telemetry source = telemetry.get();
        family(out, "latchkey_refresh_token_reuse_detected_total", "counter",
                "Refresh tokens and codes presented again after use; each revoked its family (RFC 9700 4.14.2)");
        out.append("latchkey_refresh_token_reuse_detected_total ").append(source.reuseDetections()).append('\n');
        keys(out, source.signingKeys());
        store(out, source.store());
        family(out, "latchkey_http_request_bodies_pending", "gauge",
                "Requests whose body is still arriving (they hold a connection, no thread)");
        out.append("latchkey_http_request_bodies_pending ").append(bodiesPending.get()).append('\n');
        out.append(registry.join().scrape());
        return out.toString();
    }

    private static Map<List<String>, Long> sorted(Map<List<String>, LongAdder> counters) {
        Map<List<String>, Long> values = new TreeMap<>(Comparator.comparing(List::toString));
        counters.forEach((labels, count) -> values.put(labels, count.sum()));
        return values;
    }

    private void requests(StringBuilder out) {
        List<Map.Entry<RequestKey, Latency>> entries = new ArrayList<>(requests.entrySet());
        entries.sort(Comparator.comparing((Map.Entry<RequestKey, Latency> e) -> e.getKey().route())
                .thenComparing(e -> e.getKey().method()).thenComparingInt(e -> e.getKey().status()));
        family(out, "latchkey_http_requests_total", "counter", "HTTP requests answered, by route, method and status");
        for (Map.Entry<RequestKey, Latency> entry : entries) {
            long count = 0;
            for (LongAdder bucket : entry.getValue().buckets) {
                count += bucket.sum();
            }
            out.append("latchkey_http_requests_total").append(labels(entry.getKey())).append(' ').append(count)
                    .append('\n');
        }
        family(out, "latchkey_http_request_duration_seconds", "histogram",
                "Time from the request's headers to its answer, by route, method and status");
        for (Map.Entry<RequestKey, Latency> entry : entries) {
            RequestKey key = entry.getKey();
            String base = "method=\"" + key.method() + "\",route=\"" + escape(key.route()) + "\",status=\""
                    + key.status() + "\"";
            long cumulative = 0;
            LongAdder[] buckets = entry.getValue().buckets;
            for (int i = 0; i < buckets.length; i++) {
                cumulative += buckets[i].sum();
                String le = i < BUCKETS.length ? Double.toString(BUCKETS[i]) : "+Inf";
                out.append("latchkey_http_request_duration_seconds_bucket{").append(base).append(",le=\"").append(le)
                        .append("\"} ").append(cumulative).append('\n');
            }
            out.append("latchkey_http_request_duration_seconds_sum{").append(base).append("} ")
                    .append(entry.getValue().nanos.sum() / 1e9).append('\n');
            out.append("latchkey_http_request_duration_seconds_count{").append(base).append("} ").append(cumulative)
                    .append('\n');
        }
    }

    private static String labels(RequestKey key) {
        return "{method=\"" + key.method() + "\",route=\"" + escape(key.route()) + "\",status=\"" + key.status() + "\"}";
    }

    /**
     * The per-client counter. With more clients than the limit, each scrape names the busiest since the
     * previous one (by tokens in between); a named client's series counts the tokens it got while named,
     * {@code other} those of clients that were not, so no series ever goes down. A client that is no
     * longer among the busiest is not shown (its series goes stale) and goes on from its last value if
     * it comes back.
     */
    private void clients(StringBuilder out) {
        synchronized (atLastChoice) {
            List<Map.Entry<String, Long>> recent = new ArrayList<>();
            perClient.forEach((clientId, count) -> {
                long now = count.sum();
                recent.add(Map.entry(clientId, now - atLastChoice.getOrDefault(clientId, 0L)));
                atLastChoice.put(clientId, now);
            });
            if (recent.size() > clientLimit) {
                recent.sort(Map.Entry.<String, Long>comparingByValue().reversed());
                Set<String> busiest = new java.util.HashSet<>();
                recent.stream().limit(clientLimit).forEach(e -> busiest.add(e.getKey()));
                named.keySet().retainAll(busiest);
                busiest.forEach(id -> named.computeIfAbsent(id, k -> series.computeIfAbsent(k, x -> new LongAdder())));
                if (series.size() > 4L * clientLimit) {
                    series.keySet().retainAll(named.keySet()); // bounded: one named again starts from 0 (a reset)
                }
            }
        }
        family(out, "latchkey_client_tokens_issued_total", "counter", "Tokens issued per client while it was among the "
                + clientLimit + " busiest (--metrics-client-limit); the others as client_id=\"other\"");
        for (Map.Entry<String, LongAdder> entry : new TreeMap<>(named).entrySet()) {
            out.append("latchkey_client_tokens_issued_total{client_id=\"").append(escape(entry.getKey())).append("\"} ")
                    .append(entry.getValue().sum()).append('\n');
        }
        out.append("latchkey_client_tokens_issued_total{client_id=\"other\"} ").append(other.sum()).append('\n');
    }

    private void keys(StringBuilder out, List<KeyRing.KeyState> keys) {
        family(out, "latchkey_signing_key_age_seconds", "gauge",
                "Age of each signing key, by key id, algorithm and status (next, current, retired)");
        Instant now = clock.instant();
        for (KeyRing.KeyState key : keys) {
            out.append("latchkey_signing_key_age_seconds{algorithm=\"").append(key.algorithm().jws().getName())
                    .append("\",kid=\"").append(escape(key.kid())).append("\",status=\"").append(escape(key.status()))
                    .append("\"} ").append(Math.max(0, Duration.between(key.createdAt(), now).toSeconds())).append('\n');
        }
    }

    private static void store(StringBuilder out, Telemetry.Store store) {
        gauge(out, "latchkey_db_pool_connections_active", "Read pool connections in use", store.poolActive());
        gauge(out, "latchkey_db_pool_connections_idle", "Read pool connections idle", store.poolIdle());
        gauge(out, "latchkey_db_pool_connections", "Read pool connections open", store.poolTotal());
        gauge(out, "latchkey_db_pool_pending_threads", "Threads waiting for a read connection", store.poolWaiting());
        gauge(out, "latchkey_db_writes_queued", "Writes waiting for the group-commit writer", store.writesQueued());
        family(out, "latchkey_db_group_commits_total", "counter", "Group-commit transactions committed or tried");
        out.append("latchkey_db_group_commits_total ").append(store.batches()).append('\n');
        family(out, "latchkey_db_group_commit_writes_total", "counter",
                "Writes carried by group commits (divided by latchkey_db_group_commits_total: the mean batch size)");
        out.append("latchkey_db_group_commit_writes_total ").append(store.batchedWrites()).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        family(out, name, "gauge", help);
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void family(StringBuilder out, String name, String type, String help) {
        // Text format 0.0.4: the family is named as its samples are (a counter's with _total).
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String label1, String value1, String label2,
            String value2, long count) {
        out.append(name).append('{').append(label1).append("=\"").append(escape(value1)).append("\",").append(label2)
                .append("=\"").append(escape(value2)).append("\"} ").append(count).append('\n');
    }

    /** A label value as the text format wants it: backslash, quote and newline escaped. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
