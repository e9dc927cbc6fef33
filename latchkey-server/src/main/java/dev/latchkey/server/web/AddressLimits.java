package dev.latchkey.server.web;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Failed attempts per source address on the paths a stranger can reach: client authentication at
 * the token, introspection, revocation, PAR and device authorization endpoints, and registration
 * with a wrong initial access or registration token. Each address has a bucket of
 * {@code perMinute} failures that refills at that rate; once it is empty, every request from the
 * address to those endpoints is answered 429 {@code rate_limited} until a failure's worth has
 * refilled, whatever it presents (so a secret cannot be guessed at more than that rate). The
 * address is the one {@link ClientAddress} found: behind a proxy, set {@code --trusted-proxies}, or
 * every client shares the proxy's. In this node's memory, bounded. Thread-safe.
 */
final class AddressLimits {

    static final int MAX_TRACKED = 100_000;

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final int perMinute;
    private final LongSupplier nanoTime;

    /** @param perMinute failures an address may have in a minute; 0: no limit */
    AddressLimits(int perMinute) {
        this(perMinute, System::nanoTime);
    }

    AddressLimits(int perMinute, LongSupplier nanoTime) {
        this.perMinute = perMinute;
        this.nanoTime = nanoTime;
    }

    /** 0 if the address may go on, else the whole seconds until it may. Takes nothing. */
    long wait(String source) {
        if (perMinute == 0) {
            return 0;
        }
        Bucket bucket = buckets.get(source);
        if (bucket == null) {
            return 0; // no failure yet: the common case costs one lookup
        }
        synchronized (bucket) {
            refill(bucket);
            return bucket.tokens >= 1 ? 0 : Math.max(1, (long) Math.ceil((1 - bucket.tokens) * 60 / perMinute));
        }
    }

    /** The address failed once more. */
    void failed(String source) {
        if (perMinute == 0) {
            return;
        }
        if (buckets.size() >= MAX_TRACKED) {
            buckets.clear(); // a flood of addresses: start over rather than grow (each gets its budget back)
        }
        Bucket bucket = buckets.computeIfAbsent(source, address -> new Bucket(perMinute, nanoTime.getAsLong()));
        synchronized (bucket) {
            refill(bucket);
            bucket.tokens = Math.max(0, bucket.tokens - 1);
        }
    }

    private void refill(Bucket bucket) {
        long now = nanoTime.getAsLong();
        bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) / 60e9 * perMinute);
        bucket.at = now;
    }
}
