package dev.latchkey.store.jdbc;

import java.util.concurrent.CompletableFuture;

/**
 * Runs units of database work. Writes run in a transaction and are durable when
 * {@link #write} returns; reads see committed data. SQL failures surface as
 * {@link dev.latchkey.core.store.StoreUnavailableException}. Thread-safe.
 */
interface Transactor extends AutoCloseable {

    <T> T write(SqlWork<T> work);

    /** {@link #write} without waiting: the future completes when the write is durable, or fails. */
    <T> CompletableFuture<T> writeAsync(SqlWork<T> work);

    /** The pool's and the writer's numbers, for the metrics. */
    default StoreStats stats() {
        return StoreStats.NONE;
    }

    <T> T read(SqlWork<T> work);

    boolean ping();

    @Override
    void close();
}
