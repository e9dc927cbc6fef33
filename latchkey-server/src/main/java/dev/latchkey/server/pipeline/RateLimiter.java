package dev.latchkey.server.pipeline;

import dev.latchkey.core.client.RateLimit;
import dev.latchkey.core.client.RegisteredClient;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-client token buckets at the token endpoint ({@link RateLimit}), in this node's memory: no
 * database write per request. A client without a limit costs one field read. On many nodes each
 * node keeps its own buckets, so a client may get up to the number of nodes times its rate (README,
 * "Rate limits"). Thread-safe: a bucket is locked for the few arithmetic steps of one request.
 */
public final class RateLimiter {

    private static final class Bucket {
        RateLimit limit;
        double tokens;
        long at;

        Bucket(RateLimit limit, long now) {
            this.limit = limit;
            this.tokens = limit.burst();
            this.at = now;
        }
    }

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Clock clock;

    public RateLimiter(Clock clock) {
        this.clock = clock;
    }

    /** 0 if the client may go on (and one token is taken), else the whole seconds until it may. */
    public long acquire(RegisteredClient client) {
        RateLimit limit = client.metadata().rateLimit();
        if (!limit.isLimited()) {
            return 0;
        }
        Instant instant = clock.instant();
        long now = instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
        Bucket bucket = buckets.get(client.clientId());
        if (bucket == null) {
            bucket = buckets.computeIfAbsent(client.clientId(), id -> new Bucket(limit, now));
        }
        synchronized (bucket) {
            if (!bucket.limit.equals(limit)) {
                bucket.limit = limit; // changed by an admin: the new limit, from a full bucket
                bucket.tokens = limit.burst();
            }
            if (now > bucket.at) {
                bucket.tokens = Math.min(limit.burst(), bucket.tokens + (now - bucket.at) / 1e9 * limit.perSecond());
                bucket.at = now;
            }
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - bucket.tokens) / limit.perSecond()));
        }
    }
}
