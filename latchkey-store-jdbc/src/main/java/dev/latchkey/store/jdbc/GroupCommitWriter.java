package dev.latchkey.store.jdbc;

import dev.latchkey.core.log.RepeatedFailureLog;
import dev.latchkey.core.store.StoreUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes with group commit. Every write is queued; a few writer threads, each on a connection of
 * its own, take whatever is waiting, run it as one transaction and commit once. Only after that
 * commit (synced to disk) is any caller answered: nothing is acknowledged that a crash could lose,
 * and under load the commit's cost is shared by the whole batch instead of paid per token.
 *
 * <p>A unit that fails must not take its batch with it. Units run without savepoints (on
 * PostgreSQL a savepoint costs two round trips per unit, on SQLite two statements): if one fails,
 * the batch is rolled back and each of its units is run again in a transaction of its own.
 * Units only write to the database, so running a rolled-back unit again is safe; a unit failing
 * is rare (a constraint violation, a deadlock between nodes), so the slow path costs nothing.
 *
 * <p>SQLite has one writer thread: the database has one writer at a time anyway. Transactions are
 * begun explicitly ({@code BEGIN IMMEDIATE}, which takes SQLite's write lock up front so a batch
 * never fails half-way on a lock the command line holds; {@code busy_timeout} waits instead) on an
 * autocommit connection: with autocommit off, sqlite-jdbc would open the next transaction right
 * after each commit and keep the lock between batches.
 *
 * <p>Thread-safe: any thread may {@link #submit}; only a writer thread touches its connection.
 */
final class GroupCommitWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final int MAX_BATCH = 256;
    private static final long SUBMIT_TIMEOUT_SECONDS = 30;

    /** A write, its result, and the trace context it was asked for in (null when tracing is off). */
    private record Task<T>(SqlWork<T> work, CompletableFuture<T> result, io.opentelemetry.api.trace.SpanContext asker) {
    }

    /** Links from a batch's span to the requests it wrote for: at most this many. */
    private static final int MAX_LINKS = 128;

    private final Dialect dialect;
    private final Supplier<Connection> connections;
    private final BatchQueue<Task<?>> queue;
    private final java.util.concurrent.atomic.LongAdder batches = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder batchedWrites = new java.util.concurrent.atomic.LongAdder();
    private final RepeatedFailureLog failureLog = new RepeatedFailureLog(LOG, "Write transaction failed", 10);
    private volatile long lastFailureNanos;
    private volatile long lastInsertNanos;
    private volatile boolean everFailed;

    GroupCommitWriter(Dialect dialect, Supplier<Connection> connections, int writerThreads) {
        this.dialect = dialect;
        this.connections = connections;
        this.queue = new BatchQueue<>("latchkey-writer", writerThreads, MAX_BATCH, Writer::new);
    }

    <T> T submit(SqlWork<T> work) {
        return JdbcSupport.await(enqueue(work), SUBMIT_TIMEOUT_SECONDS, "write");
    }

    /**
     * Queues the work and answers at once with a future that the writer thread completes after the
     * commit. Whatever the caller chains to it without an executor runs on the writer thread, after
     * the whole batch is committed and in batch order; it must be short (the token endpoint renders
     * and writes one response). A write not answered within the same limit as {@link #submit}
     * fails with {@link StoreUnavailableException}.
     */
    <T> CompletableFuture<T> submitAsync(SqlWork<T> work) {
        return JdbcSupport.within(enqueue(work), SUBMIT_TIMEOUT_SECONDS, "write");
    }

    private <T> CompletableFuture<T> enqueue(SqlWork<T> work) {
        Task<T> task = new Task<>(work, new CompletableFuture<>(), dev.latchkey.core.trace.Tracing.enabled()
                ? io.opentelemetry.api.trace.Span.current().getSpanContext() : null);
        try {
            queue.add(task);
        } catch (StoreUnavailableException full) {
            task.result().completeExceptionally(full);
        }
        return task.result();
    }

    /**
     * One writer thread's state: its connection, opened on first use and after a failure, with
     * its prepared statements kept open ({@link StatementCache}).
     */
    private final class Writer implements BatchQueue.Worker<Task<?>> {
        private final Connection[] connection = new Connection[1];

        @Override
        public void run(List<Task<?>> batch) {
            runBatch(connection, batch);
        }

        @Override
        public void stop() {
            close(connection);
        }
    }

    /** Writes waiting for a writer thread. */
    int queued() {
        return queue.waiting();
    }

    long batches() {
        return batches.sum();
    }

    long batchedWrites() {
        return batchedWrites.sum();
    }

    /**
     * One group commit, in a trace span of its own ({@code db.write}) when tracing is on: it serves
     * many requests, so instead of a parent it has a link to each request's span.
     */
    private void runBatch(Connection[] connection, List<Task<?>> batch) {
        batches.increment();
        batchedWrites.add(batch.size());
        if (!dev.latchkey.core.trace.Tracing.enabled()) {
            runBatchNow(connection, batch);
            return;
        }
        var builder = dev.latchkey.core.trace.Tracing.tracer().spanBuilder("db.write")
                .setAttribute("db.operation.batch.size", batch.size());
        // The first sampled request is its parent (so a traced request always shows its write); the rest are links.
        io.opentelemetry.api.trace.SpanContext parent = null;
        int links = 0;
        for (Task<?> task : batch) {
            if (task.asker() == null || !task.asker().isValid()) {
                continue;
            }
            if (parent == null && task.asker().isSampled()) {
                parent = task.asker();
            } else if (links++ < MAX_LINKS) {
                builder.addLink(task.asker());
            }
        }
        if (parent == null) {
            builder.setNoParent();
        } else {
            builder.setParent(io.opentelemetry.context.Context.root().with(io.opentelemetry.api.trace.Span.wrap(parent)));
        }
        io.opentelemetry.api.trace.Span span = builder.startSpan();
        try {
            runBatchNow(connection, batch);
        } finally {
            span.end();
        }
    }

    private void runBatchNow(Connection[] connection, List<Task<?>> batch) {
        Object[] results = new Object[batch.size()];
        Throwable[] failures = new Throwable[batch.size()];
        try {
            try {
                attempt(open(connection), batch, results, failures);
            } catch (BeforeCommit e) {
                // The connection died (a database restart, a terminated backend) before the commit
                // was sent: nothing was applied, so the batch runs once more on a new connection
                // before anyone hears of it. A failure during the commit itself is not retried: the
                // commit may have been applied, and applying a rotation twice would look like reuse.
                LOG.warn("Writer connection lost ({}); retrying the batch on a new connection",
                        e.getCause().getSQLState());
                close(connection);
                java.util.Arrays.fill(results, null);
                java.util.Arrays.fill(failures, null);
                try {
                    attempt(open(connection), batch, results, failures);
                } catch (BeforeCommit again) {
                    throw again.getCause();
                }
            }
        } catch (SQLException | RuntimeException e) {
            failureLog.failed(batch.size() + " writes not applied: " + describe(e), e);
            lastFailureNanos = System.nanoTime();
            everFailed = true;
            rollbackQuietly(connection);
            StoreUnavailableException failure = new StoreUnavailableException("write transaction failed", e);
            batch.forEach(task -> task.result().completeExceptionally(failure));
            return;
        }
        boolean storeFailed = false;
        for (Throwable failure : failures) {
            storeFailed |= failure instanceof StoreUnavailableException unavailable
                    && unavailable.getCause() instanceof SQLException sql && JdbcSupport.isStoreFailure(sql);
        }
        if (!storeFailed) {
            failureLog.succeeded();
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results[i], failures[i]);
        }
    }

    private static String describe(Exception e) {
        return e instanceof SQLException sql ? JdbcSupport.cause(sql)
                : e.getCause() instanceof SQLException sql ? JdbcSupport.cause(sql) : e.getClass().getSimpleName();
    }

    /**
     * True if a write failed within {@code seconds} and no write that inserted rows has committed
     * since: the store cannot be trusted to take writes, whatever a read says (a full disk or a
     * read-only file read fine).
     */
    boolean failedWithin(long seconds) {
        long lastFailure = lastFailureNanos;
        return everFailed && System.nanoTime() - lastFailure < java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds)
                && lastInsertNanos - lastFailure < 0;
    }

    /** A connection failure before the batch's commit was sent. */
    private static final class BeforeCommit extends Exception {
        BeforeCommit(SQLException cause) {
            super(cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }

    private void attempt(Connection c, List<Task<?>> batch, Object[] results, Throwable[] failures)
            throws SQLException, BeforeCommit {
        int inserted;
        try {
            begin(c);
            inserted = runPlain(c, batch, results);
        } catch (SQLException e) {
            if (isConnectionFailure(e)) {
                throw new BeforeCommit(e);
            }
            throw e;
        }
        if (inserted == UNIT_FAILED) {
            rollback(c);
            runOneByOne(c, batch, results, failures);
        } else {
            commit(c);
            insertsCommitted(inserted);
        }
    }

    private static final int UNIT_FAILED = -1;

    /**
     * Runs the units in one transaction; returns how many rows they inserted, or
     * {@link #UNIT_FAILED} if one failed (the transaction is then aborted and must be rolled back).
     */
    private static int runPlain(Connection c, List<Task<?>> batch, Object[] results) throws SQLException {
        for (int i = 0; i < batch.size(); i++) {
            try {
                results[i] = batch.get(i).work().run(c);
            } catch (SQLException e) {
                if (isConnectionFailure(e)) {
                    throw e;
                }
                return UNIT_FAILED;
            } catch (RuntimeException e) {
                return UNIT_FAILED;
            }
        }
        try {
            return StatementCache.flush(c); // the rows units queued with addBatch(): their failure is a unit's
        } catch (SQLException e) {
            if (isConnectionFailure(e)) {
                throw e;
            }
            return UNIT_FAILED;
        }
    }

    // Rows written and committed: the store takes writes (an empty commit, such as a purge with
    // nothing to delete, succeeds on a full disk too and proves nothing).
    private void insertsCommitted(int rows) {
        if (rows > 0) {
            lastInsertNanos = System.nanoTime();
        }
    }

    /** A unit that lost a deadlock or a serialization check is rolled back and runs again, this often at most. */
    static final int CONFLICT_ATTEMPTS = 3;

    private void runOneByOne(Connection c, List<Task<?>> batch, Object[] results, Throwable[] failures)
            throws SQLException {
        for (int i = 0; i < batch.size(); i++) {
            for (int attempt = 1; ; attempt++) {
                try {
                    begin(c);
                    results[i] = batch.get(i).work().run(c);
                    int inserted = StatementCache.flush(c);
                    commit(c);
                    insertsCommitted(inserted);
                    break;
                } catch (SQLException e) {
                    rollback(c);
                    if (isConnectionFailure(e)) {
                        throw e;
                    }
                    // PostgreSQL aborted the transaction to break a deadlock with another writer
                    // (units of two batches lock families in different orders): nothing of it was
                    // applied, so it runs again.
                    if (isConflict(e) && attempt < CONFLICT_ATTEMPTS) {
                        continue;
                    }
                    if (JdbcSupport.isStoreFailure(e)) {
                        // Not this unit's fault (a full disk, a read-only file): the store cannot write.
                        failureLog.failed("a write was not applied: " + JdbcSupport.cause(e), e);
                        lastFailureNanos = System.nanoTime();
                        everFailed = true;
                    }
                    failures[i] = JdbcSupport.unavailable(e);
                    break;
                } catch (RuntimeException e) {
                    rollback(c);
                    failures[i] = e;
                    break;
                }
            }
        }
    }

    /** SQLSTATE class 40: a deadlock (40P01) or a serialization failure (40001). */
    static boolean isConflict(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.startsWith("40");
    }

    private void begin(Connection c) throws SQLException {
        if (dialect == Dialect.SQLITE) {
            execute(c, "BEGIN IMMEDIATE");
        }
    }

    private void commit(Connection c) throws SQLException {
        if (dialect == Dialect.SQLITE) {
            execute(c, "COMMIT");
        } else {
            c.commit();
        }
    }

    private void rollback(Connection c) throws SQLException {
        StatementCache.drop(c); // rows queued with addBatch() are part of what is rolled back
        if (dialect == Dialect.SQLITE) {
            try {
                execute(c, "ROLLBACK");
            } catch (SQLException e) {
                // SQLite rolls a transaction back by itself on some errors (SQLITE_FULL, SQLITE_IOERR):
                // then there is nothing left to roll back, and the error that matters is the first one.
                if (e.getMessage() == null || !e.getMessage().contains("no transaction is active")) {
                    throw e;
                }
            }
        } else {
            c.rollback();
        }
    }

    /** SQLite's transaction statements: the connection stays in autocommit mode (see the class comment). */
    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement statement = c.createStatement()) {
            statement.execute(sql);
        }
    }

    static boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Task<T> task, Object result, Throwable failure) {
        if (failure != null) {
            task.result().completeExceptionally(failure);
        } else {
            task.result().complete((T) result);
        }
    }

    private Connection open(Connection[] connection) throws SQLException {
        if (connection[0] == null || connection[0].isClosed()) {
            connection[0] = StatementCache.wrap(connections.get());
            // PostgreSQL: a transaction begins with the first statement after each commit.
            connection[0].setAutoCommit(dialect == Dialect.SQLITE);
        }
        return connection[0];
    }

    private void rollbackQuietly(Connection[] connection) {
        try {
            if (connection[0] != null && !connection[0].isClosed()) {
                rollback(connection[0]);
            }
        } catch (SQLException e) {
            LOG.debug("Rollback failed; reopening the writer connection: {}", e.toString());
            close(connection);
        }
    }

    private static void close(Connection[] connection) {
        try {
            if (connection[0] != null) {
                connection[0].close();
            }
        } catch (SQLException e) {
            LOG.debug("Closing the writer connection failed", e);
        }
        connection[0] = null;
    }

    /** Commits what is already queued, then stops. */
    @Override
    public void close() {
        queue.close(SUBMIT_TIMEOUT_SECONDS);
    }
}
