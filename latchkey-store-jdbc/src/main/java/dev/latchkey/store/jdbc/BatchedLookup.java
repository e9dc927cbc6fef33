package dev.latchkey.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Point lookups by key, coalesced: concurrent callers' keys go to the database as one query
 * ({@code WHERE key = ANY(?)}) instead of one round trip each. The read side of group commit.
 *
 * <p>Why: on PostgreSQL an indexed read per request costs the server far more in the JDBC round trip
 * (socket write, park until the answer, wake-up) than in PostgreSQL; one query for a batch pays
 * that once for the batch (BENCHMARKS.md, "Batched lookups").
 *
 * <p>Freshness is that of a direct read: a caller's key is only taken by a query that starts
 * after the caller queued it, so every write committed before the lookup was asked for is seen
 * (a token revoked on another node reads revoked at once). Keys are deduplicated within a batch.
 *
 * <p>Thread-safe. A few threads take the batches ({@link BatchQueue}): while one waits for its answer
 * the next batch fills.
 */
final class BatchedLookup<V> implements AutoCloseable {

    /** Runs one query for a batch of distinct keys; returns the rows found, by key. */
    @FunctionalInterface
    interface Query<V> {
        Map<String, V> run(Connection connection, List<String> keys) throws SQLException;
    }

    private static final int MAX_BATCH = 256;
    private static final long LOOKUP_TIMEOUT_SECONDS = 10;

    private record Pending<V>(String key, CompletableFuture<Optional<V>> result) {
    }

    private final Transactor db;
    private final Query<V> query;
    private final BatchQueue<Pending<V>> queue;

    BatchedLookup(String name, Transactor db, Query<V> query, int threads) {
        this.db = db;
        this.query = query;
        this.queue = new BatchQueue<>("latchkey-" + name, threads, MAX_BATCH, () -> this::answer);
    }

    Optional<V> find(String key) {
        return JdbcSupport.await(enqueue(key), LOOKUP_TIMEOUT_SECONDS, "lookup");
    }

    /**
     * The lookup without waiting: the future completes on a looper thread (so what the caller
     * chains there must be short), or fails with a {@code StoreUnavailableException} when the
     * database fails or does not answer in time.
     */
    CompletableFuture<Optional<V>> findAsync(String key) {
        return JdbcSupport.within(enqueue(key), LOOKUP_TIMEOUT_SECONDS, "lookup");
    }

    private CompletableFuture<Optional<V>> enqueue(String key) {
        Pending<V> pending = new Pending<>(key, new CompletableFuture<>());
        try {
            queue.add(pending);
        } catch (RuntimeException closed) {
            pending.result().completeExceptionally(closed);
        }
        return pending.result();
    }

    private void answer(List<Pending<V>> batch) {
        Set<String> keys = new LinkedHashSet<>();
        for (Pending<V> pending : batch) {
            keys.add(pending.key());
        }
        Map<String, V> found;
        try {
            found = db.read(connection -> query.run(connection, List.copyOf(keys)));
        } catch (RuntimeException e) {
            batch.forEach(pending -> pending.result().completeExceptionally(e));
            return;
        }
        for (Pending<V> pending : batch) {
            pending.result().complete(Optional.ofNullable(found.get(pending.key())));
        }
    }

    /** Answers what is already queued, then stops. */
    @Override
    public void close() {
        queue.close(LOOKUP_TIMEOUT_SECONDS);
    }
}
