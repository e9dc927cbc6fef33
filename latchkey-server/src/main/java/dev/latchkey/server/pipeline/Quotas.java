package dev.latchkey.server.pipeline;

import dev.latchkey.core.client.RateLimit;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.store.UsageStore;
import dev.latchkey.core.usage.UsageCount;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-client token quotas ({@code token_quota_per_hour}, {@code token_quota_per_day}: tokens issued
 * in the current UTC hour and day), without a database write per request. Each node counts what it
 * issues in memory; the usage counts every node adds to the store once a flush interval (the
 * dashboard's charts, {@code --usage-counting}) tell it what the others issued: read once when a node
 * first meets a client with a quota, then again every flush interval on the store workers. A client
 * may so get past its quota by what the other nodes issued to it since their last flush and this
 * node's last read (about two flush intervals of its traffic, per node); on one node it gets exactly
 * its quota. With usage counting off, every node counts alone. A client without a quota costs one
 * field read. Thread-safe.
 */
public final class Quotas {

    private static final class Counts {
        long hour = Long.MIN_VALUE;
        long day = Long.MIN_VALUE;
        final AtomicLong hourLocal = new AtomicLong();
        final AtomicLong dayLocal = new AtomicLong();
        volatile long hourStored;
        volatile long dayStored;
        volatile long hourLocalAtRead;
        volatile long dayLocalAtRead;
        volatile long readAt = Long.MIN_VALUE;
        final AtomicBoolean reading = new AtomicBoolean();
    }

    private final Map<String, Counts> byClient = new ConcurrentHashMap<>();
    private final UsageStore usage;
    private final Duration readEvery;
    private final Executor workers;
    private final Clock clock;

    /** @param usage where every node's flushed counts are read, or null (usage counting is off) */
    public Quotas(UsageStore usage, Duration readEvery, Executor workers, Clock clock) {
        this.usage = usage;
        this.readEvery = readEvery;
        this.workers = workers;
        this.clock = clock;
    }

    /** 0 if the client may get a token now, else the whole seconds until its hour or day ends. */
    public long check(RegisteredClient client) {
        RateLimit limit = client.metadata().rateLimit();
        if (!limit.hasQuota()) {
            return 0;
        }
        Instant now = clock.instant();
        Counts counts = current(client.clientId(), now);
        long hourUsed = Math.max(counts.hourLocal.get(),
                counts.hourStored + counts.hourLocal.get() - counts.hourLocalAtRead);
        long dayUsed = Math.max(counts.dayLocal.get(), counts.dayStored + counts.dayLocal.get() - counts.dayLocalAtRead);
        if (limit.perDay() > 0 && dayUsed >= limit.perDay()) {
            return until(now, now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1)));
        }
        if (limit.perHour() > 0 && hourUsed >= limit.perHour()) {
            return until(now, now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1)));
        }
        return 0;
    }

    /** A token was issued to the client. */
    public void issued(RegisteredClient client) {
        if (client.metadata().rateLimit().hasQuota()) {
            Counts counts = current(client.clientId(), clock.instant());
            counts.hourLocal.incrementAndGet();
            counts.dayLocal.incrementAndGet();
        }
    }

    private Counts current(String clientId, Instant now) {
        long hour = now.getEpochSecond() / 3600;
        long day = now.getEpochSecond() / 86_400;
        Counts counts = byClient.computeIfAbsent(clientId, id -> new Counts());
        boolean first;
        synchronized (counts) {
            first = counts.readAt == Long.MIN_VALUE;
            if (counts.day != day) {
                counts.day = day;
                counts.dayLocal.set(0);
                counts.dayStored = 0;
                counts.dayLocalAtRead = 0;
            }
            if (counts.hour != hour) {
                counts.hour = hour;
                counts.hourLocal.set(0);
                counts.hourStored = 0;
                counts.hourLocalAtRead = 0;
            }
        }
        if (usage != null) {
            if (first) {
                read(clientId, counts, now); // once per client and node: what the other nodes issued already
            } else if (now.toEpochMilli() - counts.readAt >= readEvery.toMillis() && counts.reading.compareAndSet(false, true)) {
                try {
                    workers.execute(() -> {
                        try {
                            read(clientId, counts, clock.instant());
                        } finally {
                            counts.reading.set(false);
                        }
                    });
                } catch (RuntimeException busy) {
                    counts.reading.set(false); // the workers are full: read next time
                }
            }
        }
        return counts;
    }

    private void read(String clientId, Counts counts, Instant now) {
        Instant day = now.truncatedTo(ChronoUnit.DAYS);
        Instant hour = now.truncatedTo(ChronoUnit.HOURS);
        long hourLocal = counts.hourLocal.get();
        long dayLocal = counts.dayLocal.get();
        List<UsageCount> stored;
        try {
            stored = usage.hourly(clientId, null, day, hour.plus(Duration.ofHours(1)));
        } catch (RuntimeException unavailable) {
            counts.readAt = now.toEpochMilli(); // counted alone until the store answers again
            return;
        }
        long inHour = 0;
        long inDay = 0;
        for (UsageCount count : stored) {
            inDay += count.issued();
            if (!count.start().isBefore(hour)) {
                inHour += count.issued();
            }
        }
        synchronized (counts) {
            counts.hourStored = inHour;
            counts.dayStored = inDay;
            counts.hourLocalAtRead = hourLocal;
            counts.dayLocalAtRead = dayLocal;
            counts.readAt = now.toEpochMilli();
        }
    }

    private static long until(Instant now, Instant end) {
        return Math.max(1, Duration.between(now, end).toSeconds() + 1);
    }
}
