package dev.latchkey.store.jdbc;

import dev.latchkey.core.store.StoreUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQLite's single writer, with group commit. SQLite lets one connection write at a time, so every
 * write goes through this one thread and connection. Work waiting in the queue is run as one
 * transaction, each unit inside its own savepoint (a unit that fails rolls back alone), and the
 * transaction's one commit, synced to disk, makes the whole batch durable. Only then is any caller
 * answered: nothing is acknowledged that a crash could lose, and under load the cost of the sync
 * is shared by the batch instead of paid per token.
 *
 * <p>Thread-safe: any thread may {@link #submit}; only the writer thread touches the connection.
 */
final class GroupCommitWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final int MAX_BATCH = 256;
    private static final long SUBMIT_TIMEOUT_SECONDS = 30;

    private record Task<T>(SqlWork<T> work, CompletableFuture<T> result) {
    }

    private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
    private final Supplier<Connection> connections;
    private final Thread thread;
    private volatile boolean running = true;
    private Connection connection;

    GroupCommitWriter(Supplier<Connection> connections) {
        this.connections = connections;
        this.thread = new Thread(this::loop, "latchkey-sqlite-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    <T> T submit(SqlWork<T> work) {
        if (!running) {
            throw new StoreUnavailableException("the store is closed", null);
        }
        Task<T> task = new Task<>(work, new CompletableFuture<>());
        queue.add(task);
        try {
            return task.result().get(SUBMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new StoreUnavailableException("write failed", cause);
        } catch (TimeoutException e) {
            throw new StoreUnavailableException("write timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while writing", e);
        }
    }

    private void loop() {
        List<Task<?>> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Task<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                runBatch(batch);
            } catch (InterruptedException e) {
                running = false;
            } finally {
                batch.clear();
            }
        }
        closeConnection();
    }

    // Transaction control is explicit SQL on an autocommit connection: with autocommit off,
    // sqlite-jdbc opens the next transaction right after each commit, and with BEGIN IMMEDIATE
    // that would hold the write lock between batches and lock out every other process.
    private void runBatch(List<Task<?>> batch) {
        List<Object> results = new ArrayList<>(batch.size());
        List<Throwable> failures = new ArrayList<>(batch.size());
        try {
            Connection c = connection();
            try (Statement sql = c.createStatement()) {
                // IMMEDIATE takes the write lock up front, so a batch never fails half-way on a lock
                // another process (the command line) holds; busy_timeout waits for it instead.
                sql.execute("BEGIN IMMEDIATE");
                for (Task<?> task : batch) {
                    sql.execute("SAVEPOINT unit");
                    try {
                        results.add(task.work().run(c));
                        failures.add(null);
                        sql.execute("RELEASE unit");
                    } catch (SQLException | RuntimeException e) {
                        sql.execute("ROLLBACK TO unit");
                        sql.execute("RELEASE unit");
                        results.add(null);
                        failures.add(e instanceof SQLException sqlException ? JdbcSupport.unavailable(sqlException) : e);
                    }
                }
                sql.execute("COMMIT");
            }
        } catch (SQLException | RuntimeException e) {
            LOG.error("SQLite write transaction failed; {} writes not applied", batch.size(), e);
            rollbackQuietly();
            StoreUnavailableException failure = new StoreUnavailableException("write transaction failed", e);
            batch.forEach(task -> task.result().completeExceptionally(failure));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results.get(i), failures.get(i));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Task<T> task, Object result, Throwable failure) {
        if (failure != null) {
            task.result().completeExceptionally(failure);
        } else {
            task.result().complete((T) result);
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = connections.get();
        }
        return connection;
    }

    private void rollbackQuietly() {
        try {
            if (connection != null && !connection.isClosed()) {
                try (Statement sql = connection.createStatement()) {
                    sql.execute("ROLLBACK");
                }
            }
        } catch (SQLException e) {
            LOG.warn("Rollback failed; reopening the writer connection: {}", e.toString());
            closeConnection();
        }
    }

    private void closeConnection() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException e) {
            LOG.debug("Closing the writer connection failed", e);
        }
        connection = null;
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(SUBMIT_TIMEOUT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
