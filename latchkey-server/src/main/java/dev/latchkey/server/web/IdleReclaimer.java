package dev.latchkey.server.web;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a burst of traffic, once the server has been idle for a while, runs one full collection
 * so the heap shrinks to what is live and the memory goes back to the operating system. G1's
 * periodic collection (see MemoryTuning) is concurrent and leaves the heap about a quarter larger
 * (BENCHMARKS.md, "Idle heap").
 * One collection per idle spell, of a heap that is mostly garbage: tens of milliseconds while
 * nobody is waiting. A {@code -XX:+DisableExplicitGC} turns it off. Thread-safe.
 */
final class IdleReclaimer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IdleReclaimer.class);
    private static final long IDLE_NANOS = Duration.ofSeconds(20).toNanos();

    private volatile long lastRequest = System.nanoTime();
    private volatile boolean busySinceReclaim;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "latchkey-idle-reclaimer");
        thread.setDaemon(true);
        return thread;
    });

    IdleReclaimer() {
        timer.scheduleWithFixedDelay(this::check, 5, 5, TimeUnit.SECONDS);
    }

    /** Called for every request; two volatile writes. */
    void touch() {
        lastRequest = System.nanoTime();
        if (!busySinceReclaim) {
            busySinceReclaim = true;
        }
    }

    private void check() {
        if (busySinceReclaim && System.nanoTime() - lastRequest >= IDLE_NANOS) {
            busySinceReclaim = false;
            long started = System.nanoTime();
            System.gc();
            LOG.debug("Idle: heap compacted in {} ms", (System.nanoTime() - started) / 1_000_000);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
