package dev.latchkey.store.jdbc;

import dev.latchkey.core.store.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Items queued by any thread, taken in batches by a few daemon threads: each thread takes whatever
 * is waiting (at most {@code maxBatch}) and hands it to its own {@link Worker} in one call. The
 * mechanism under group commit ({@link GroupCommitWriter}) and coalesced reads ({@link BatchedLookup}).
 *
 * <p>Bounded: an item that finds {@value #CAPACITY} waiting is refused at once with a
 * {@link StoreUnavailableException} (answered 503), so a stalled database makes callers fail fast
 * instead of growing a queue without end.
 *
 * <p>{@link #close} stops new items; the threads finish what is already queued, then stop their
 * workers.
 */
final class BatchQueue<T> {

    /** One per thread, so it may keep per-thread state (a connection) without locking. */
    interface Worker<T> {
        void run(List<T> batch);

        /** Called on the worker's thread after its last batch. */
        default void stop() {
        }
    }

    /** Items that may wait: far more than a healthy store ever has queued (a batch takes at most 256). */
    static final int CAPACITY = 10_000;

    private final BlockingQueue<T> queue = new LinkedBlockingQueue<>(CAPACITY);
    private final List<Thread> threads = new ArrayList<>();
    private final int maxBatch;
    private volatile boolean running = true;

    BatchQueue(String name, int threadCount, int maxBatch, Supplier<Worker<T>> workers) {
        this.maxBatch = maxBatch;
        for (int i = 0; i < threadCount; i++) {
            Worker<T> worker = workers.get();
            Thread thread = new Thread(() -> loop(worker), name + "-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    /** Items waiting for a thread. */
    int waiting() {
        return queue.size();
    }

    void add(T item) {
        if (!running) {
            throw new StoreUnavailableException("the store is closed", null);
        }
        if (!queue.offer(item)) {
            throw new StoreUnavailableException("too many requests are waiting for the database", null);
        }
    }

    private void loop(Worker<T> worker) {
        List<T> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                T first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                worker.run(batch);
            } catch (InterruptedException e) {
                running = false;
            } finally {
                batch.clear();
            }
        }
        worker.stop();
    }

    /** Stops taking items and waits up to {@code timeoutSeconds} for each thread to finish the queue. */
    void close(long timeoutSeconds) {
        running = false;
        for (Thread thread : threads) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(timeoutSeconds));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
