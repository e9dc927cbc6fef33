package dev.latchkey.server.web;

import dev.latchkey.core.client.TokenFormat;
import dev.latchkey.core.grant.ClientCredentialsGrant;
import dev.latchkey.core.grant.GrantRequest;
import dev.latchkey.core.usage.UsageCounter;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a token request pays for being counted, in isolation, so it can be set against what the whole
 * request costs (ab.sh prints the server's CPU time per request, 40–120 µs here): the usage counter of
 * the dashboard's charts (issue 14: on against off), and the metrics and request id added for
 * operators (issue 16). In this package because the metrics' recording methods are package-private.
 * Two threads, as the HTTP threads of a 2-core machine contend for the same counters.
 *
 * <pre>java -cp latchkey-bench/target/benchmarks.jar org.openjdk.jmh.Main RequestOverheadBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(2)
public class RequestOverheadBenchmark {

    private static final GrantRequest GRANT = new ClientCredentialsGrant(Optional.empty(), List.of());

    private UsageCounter usage;
    private Metrics metrics;
    private dev.latchkey.server.pipeline.RateLimiter limiter;
    private dev.latchkey.core.client.RegisteredClient limited;
    private dev.latchkey.core.client.RegisteredClient unlimited;
    private dev.latchkey.server.pipeline.Quotas quotas;
    private dev.latchkey.core.client.RegisteredClient withQuota;

    @Setup
    public void setUp() {
        usage = new UsageCounter(true);
        metrics = new Metrics(Metrics.DEFAULT_CLIENT_LIMIT, Clock.systemUTC());
        limiter = new dev.latchkey.server.pipeline.RateLimiter(Clock.systemUTC());
        java.time.Instant now = java.time.Instant.now();
        var limits = dev.latchkey.core.client.ClientLimits.defaults();
        limited = dev.latchkey.core.client.RegisteredClient.registered("limited", null, "r",
                dev.latchkey.core.client.ClientMetadata.parse(java.util.Map.of("scope", "read",
                        "rate_limit_per_second", 100_000, "rate_limit_burst", 100_000), limits), now, null);
        unlimited = dev.latchkey.core.client.RegisteredClient.registered("unlimited", null, "r",
                dev.latchkey.core.client.ClientMetadata.parse(java.util.Map.of("scope", "read"), limits), now, null);
        quotas = new dev.latchkey.server.pipeline.Quotas(null, java.time.Duration.ofMinutes(1), Runnable::run,
                Clock.systemUTC());
        withQuota = dev.latchkey.core.client.RegisteredClient.registered("quota", null, "r",
                dev.latchkey.core.client.ClientMetadata.parse(java.util.Map.of("scope", "read",
                        "token_quota_per_hour", 1_000_000_000, "token_quota_per_day", 1_000_000_000), limits), now, null);
    }

    /** A client with hourly and daily token quotas: checked, then the issued token counted (issue 17: under 1 us). */
    @Benchmark
    public long quotaChecked() {
        long wait = quotas.check(withQuota);
        quotas.issued(withQuota);
        return wait;
    }

    /** A client without quotas: what every other token request pays for the feature. */
    @Benchmark
    public long noQuota() {
        long wait = quotas.check(unlimited);
        quotas.issued(unlimited);
        return wait;
    }

    /** A client with a rate limit: its bucket refilled and a token taken (issue 17: under 1 us). */
    @Benchmark
    public long rateLimited() {
        return limiter.acquire(limited);
    }

    /** A client without one: what every other token request pays for the feature. */
    @Benchmark
    public long notRateLimited() {
        return limiter.acquire(unlimited);
    }

    /** Usage counting on: the token and the secret it was asked with (off, it is one boolean test). */
    @Benchmark
    public void usageCounting() {
        usage.issued("cli_0123456789abcdef");
        usage.secretUsed("sec_0123456789abcdef");
    }

    /** The metrics of one token request: its route, method, status and latency; its grant and client. */
    @Benchmark
    public void metrics() {
        metrics.request("/oauth2/token", "POST", 200, 1_250_000);
        metrics.issued(GRANT, TokenFormat.JWT, "cli_0123456789abcdef");
    }

    /** The request id a request gets when its caller sent none, and the logging context it lives in. */
    @Benchmark
    public String requestId() {
        String id = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
        org.slf4j.MDC.put("http.request.id", id);
        org.slf4j.MDC.remove("http.request.id");
        return id;
    }
}
