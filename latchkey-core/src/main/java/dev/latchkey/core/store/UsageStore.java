package dev.latchkey.core.store;

import dev.latchkey.core.usage.ClientError;
import dev.latchkey.core.usage.UsageCount;
import dev.latchkey.core.usage.UsageSink;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Usage counts per client and hour, added to once a minute by every node (never a write per
 * token), and the latest errors of each client. Thread-safe.
 */
public interface UsageStore extends UsageSink {

    /**
     * The hourly counts from {@code from} (inclusive) to {@code to} (exclusive): of one client, else
     * summed over the clients of one owner, else (both null) over all.
     */
    List<UsageCount> hourly(String clientId, String ownerId, Instant from, Instant to);

    /** The clients (of {@code ownerId}, or all when null) that got most tokens from {@code from}, most first. */
    List<Map.Entry<String, Long>> busiest(Instant from, String ownerId, int limit);

    /** A client's latest errors, newest first. */
    List<ClientError> errors(String clientId, int limit);

    /** Deletes counts and errors older than {@code before}; returns how many rows. */
    int purge(Instant before, int batchSize);
}
