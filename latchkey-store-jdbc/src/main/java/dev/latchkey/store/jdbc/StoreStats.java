package dev.latchkey.store.jdbc;

/**
 * What the store is doing, for the metrics: the read pool's connections (in use, idle, all, and
 * threads waiting for one), writes waiting for the writer, and the group commits done so far with
 * the writes they held (their ratio is the mean batch size).
 */
public record StoreStats(int poolActive, int poolIdle, int poolTotal, int poolWaiting, int writesQueued,
        long batches, long batchedWrites) {

    public static final StoreStats NONE = new StoreStats(0, 0, 0, 0, 0, 0, 0);
}
