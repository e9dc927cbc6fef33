package dev.latchkey.server;

import dev.latchkey.core.store.ChangeLog;
import dev.latchkey.core.store.record.Change;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the {@link ChangeLog} and hands each new entry to the node's caches (revocations,
 * clients, keys). It polls at a fixed interval; {@link #wake()} polls at once, for a store that
 * can push notifications. A failed poll is retried on the next tick from the same position, so no
 * entry is skipped. Thread-safe.
 */
public final class ChangeFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
    private static final int BATCH = 500;

    private final ChangeLog log;
    private final Consumer<Change> listener;
    private final ScheduledExecutorService executor;
    private long position;
    private volatile boolean healthy = true;
    private volatile long lastSyncNanos = System.nanoTime();

    public ChangeFeed(ChangeLog log, long startAfter, Consumer<Change> listener) {
        this.log = log;
        this.position = startAfter;
        this.listener = listener;
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "latchkey-change-feed");
            thread.setDaemon(true);
            return thread;
        });
    }

    public void start(Duration interval) {
        executor.scheduleWithFixedDelay(this::poll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Polls now, on the feed's own thread. */
    public void wake() {
        executor.execute(this::poll);
    }

    /** True if the last poll reached the store. */
    public boolean isHealthy() {
        return healthy;
    }

    /**
     * True if this node has read the whole log within {@code maxAge}: its caches may be trusted.
     * A node cut off from its database stops trusting them rather than serve stale answers.
     */
    public boolean isCurrent(Duration maxAge) {
        return System.nanoTime() - lastSyncNanos <= maxAge.toNanos();
    }

    private void poll() {
        try {
            List<Change> changes;
            do {
                changes = log.since(position, BATCH);
                for (Change change : changes) {
                    listener.accept(change);
                    position = change.seq();
                }
            } while (changes.size() == BATCH);
            healthy = true;
            lastSyncNanos = System.nanoTime();
        } catch (RuntimeException e) {
            if (healthy) {
                LOG.warn("Change feed cannot read the change log; retrying: {}", e.toString());
            }
            healthy = false;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
