package dev.latchkey.core.usage;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts, in memory, the tokens each client got and the token endpoint errors it caused, which
 * secrets were used, and each client's latest errors; {@link #drain} hands what was counted since
 * the last drain to the store once a minute, so the token endpoint never writes for them.
 * Counting is a {@link LongAdder} increment on a map hit.
 *
 * <p>Nothing counted is lost to a drain: counters are never reset, a drain sends the difference to
 * what the previous successful drain sent, and a drain the store refuses leaves that difference for
 * the next one. Bounded: clients are known ids (unknown ones count as {@link #UNKNOWN}), errors kept
 * per client are capped. Thread-safe.
 */
public final class UsageCounter {

    /** Where failures of unknown client ids are counted. */
    public static final String UNKNOWN = "";
    private static final int ERRORS_KEPT = 10;

    /** A client's running totals, and what drains have handed over of them (guarded by the counter). */
    private static final class Counts {
        final LongAdder issued = new LongAdder();
        final LongAdder errors = new LongAdder();
        long issuedSent;
        long errorsSent;
    }

    private final boolean enabled;
    private final Map<String, Counts> counts = new ConcurrentHashMap<>();
    private final Map<String, Boolean> secretsUsed = new ConcurrentHashMap<>();
    private final Map<String, Deque<ClientError>> errors = new ConcurrentHashMap<>();

    /** @param enabled false: nothing is counted (the dashboard's charts stay empty) */
    public UsageCounter(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean enabled() {
        return enabled;
    }

    public void issued(String clientId) {
        if (enabled) {
            counts(clientId).issued.increment();
        }
    }

    /** The client authenticated with this secret (for its last use). */
    public void secretUsed(String secretId) {
        if (enabled && secretId != null && !secretsUsed.containsKey(secretId)) {
            secretsUsed.put(secretId, Boolean.TRUE);
        }
    }

    /** A token endpoint error of a known client (or of {@link #UNKNOWN}), with its code. */
    public void error(String clientId, String error, Instant at) {
        if (!enabled) {
            return;
        }
        String key = clientId == null ? UNKNOWN : clientId;
        counts(key).errors.increment();
        if (!key.equals(UNKNOWN)) {
            Deque<ClientError> recent = errors.computeIfAbsent(key, k -> new ArrayDeque<>());
            synchronized (recent) {
                recent.addFirst(new ClientError(key, at, error));
                while (recent.size() > ERRORS_KEPT) {
                    recent.removeLast();
                }
            }
        }
    }

    private Counts counts(String clientId) {
        Counts found = counts.get(clientId);
        return found != null ? found : counts.computeIfAbsent(clientId, k -> new Counts());
    }

    /**
     * Hands what was counted since the last successful drain to {@code store} as one hour's deltas
     * (attributed to the hour of {@code now}: at most a drain interval off at an hour's edge). If
     * the store throws, the counts stay for the next drain and the exception propagates.
     */
    public synchronized void drain(Instant now, UsageSink store) {
        Instant hour = now.truncatedTo(ChronoUnit.HOURS);
        List<UsageDelta> deltas = new ArrayList<>();
        Map<Counts, long[]> sending = new HashMap<>();
        Map<String, Instant> clientsUsed = new HashMap<>();
        counts.forEach((clientId, c) -> {
            long issued = c.issued.sum();
            long failed = c.errors.sum();
            if (issued > c.issuedSent || failed > c.errorsSent) {
                deltas.add(new UsageDelta(hour, clientId, issued - c.issuedSent, failed - c.errorsSent));
                sending.put(c, new long[] {issued, failed});
                if (issued > c.issuedSent && !clientId.equals(UNKNOWN)) {
                    clientsUsed.put(clientId, now);
                }
            }
        });
        List<ClientError> recent = new ArrayList<>();
        for (String clientId : List.copyOf(errors.keySet())) {
            Deque<ClientError> queue = errors.remove(clientId);
            if (queue != null) {
                synchronized (queue) {
                    recent.addAll(queue);
                }
            }
        }
        Map<String, Instant> secretTimes = new HashMap<>();
        for (String secretId : List.copyOf(secretsUsed.keySet())) {
            if (secretsUsed.remove(secretId) != null) {
                secretTimes.put(secretId, now);
            }
        }
        if (deltas.isEmpty() && recent.isEmpty() && secretTimes.isEmpty()) {
            return;
        }
        try {
            store.add(deltas, recent, clientsUsed, secretTimes);
        } catch (RuntimeException refused) {
            secretTimes.keySet().forEach(secretId -> secretsUsed.put(secretId, Boolean.TRUE));
            throw refused;
        }
        sending.forEach((c, sent) -> {
            c.issuedSent = sent[0];
            c.errorsSent = sent[1];
        });
    }
}
