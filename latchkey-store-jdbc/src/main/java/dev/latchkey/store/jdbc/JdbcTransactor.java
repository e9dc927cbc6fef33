package dev.latchkey.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Reads from a HikariCP pool; writes through the {@link GroupCommitWriter}.
 *
 * <p>Readers first take a permit from a fair semaphore sized like the pool, so the pool never has
 * waiters: HikariCP hands a returned connection to a waiting thread in a loop of
 * {@code Thread.yield()}, and with dozens of request threads waiting for a handful of connections
 * that loop burned most of the CPU (BENCHMARKS.md, "Read permits").
 *
 * <p>SQLite runs in WAL mode: readers read concurrently with the one writer, and
 * {@code synchronous=FULL} syncs the WAL at every commit, so an acknowledged write survives a
 * crash of the process and of the machine. PostgreSQL keeps its own durability settings.
 */
final class JdbcTransactor implements Transactor {

    /** The longest a PostgreSQL read may take. */
    static final int READ_TIMEOUT_MILLIS = 5_000;

    private final HikariDataSource readers;
    private final Semaphore readPermits;
    private final GroupCommitWriter writer;

    @Override
    public StoreStats stats() {
        com.zaxxer.hikari.HikariPoolMXBean pool = readers.getHikariPoolMXBean();
        return pool == null ? new StoreStats(0, 0, 0, 0, writer.queued(), writer.batches(), writer.batchedWrites())
                : new StoreStats(pool.getActiveConnections(), pool.getIdleConnections(), pool.getTotalConnections(),
                        pool.getThreadsAwaitingConnection(), writer.queued(), writer.batches(), writer.batchedWrites());
    }

    JdbcTransactor(Dialect dialect, String jdbcUrl, int poolSize) {
        int readPool = dialect == Dialect.SQLITE ? 16 : poolSize;
        HikariConfig config = new HikariConfig();
        config.setPoolName("latchkey-" + dialect.name().toLowerCase(java.util.Locale.ROOT));
        if (dialect == Dialect.SQLITE) {
            config.setDataSource(new KeptStatementsDataSource(jdbcUrl, sqliteProperties()));
        } else {
            config.setJdbcUrl(jdbcUrl);
        }
        config.setMaximumPoolSize(readPool);
        config.setMinimumIdle(Math.min(2, readPool));
        // Fail a request fast (503) instead of queueing it behind a dead database.
        config.setConnectionTimeout(2_000);
        config.setValidationTimeout(1_000);
        if (dialect != Dialect.SQLITE) {
            config.setInitializationFailTimeout(-1);
            // A read that waits longer than this for a stuck database (a lock, a stalled server)
            // fails with 503 instead of holding its thread for as long as the stall lasts.
            config.setConnectionInitSql("SET statement_timeout = " + READ_TIMEOUT_MILLIS);
        }
        this.readers = new HikariDataSource(config);
        this.readPermits = new Semaphore(readPool);
        // One writer for SQLite (one writer at a time is all it allows); two for PostgreSQL, so that
        // one batch is being filled while the other commits.
        this.writer = new GroupCommitWriter(dialect, () -> {
            try {
                return dialect == Dialect.SQLITE ? DriverManager.getConnection(jdbcUrl, sqliteProperties())
                        : DriverManager.getConnection(jdbcUrl, postgresWriterProperties());
            } catch (SQLException e) {
                throw JdbcSupport.unavailable(e);
            }
        }, dialect == Dialect.SQLITE ? 1 : 2);
    }

    // The token inserts of a group commit go as one multi-row INSERT (StatementCache#flush).
    private static Properties postgresWriterProperties() {
        Properties properties = new Properties();
        properties.setProperty("reWriteBatchedInserts", "true");
        return properties;
    }

    static Properties sqliteProperties() {
        Properties properties = new Properties();
        properties.setProperty("journal_mode", "WAL");
        properties.setProperty("synchronous", "FULL");
        properties.setProperty("busy_timeout", "10000");
        return properties;
    }

    @Override
    public <T> T write(SqlWork<T> work) {
        return writer.submit(work);
    }

    @Override
    public <T> CompletableFuture<T> writeAsync(SqlWork<T> work) {
        return writer.submitAsync(work);
    }

    /** A read: in a trace span of its own ({@code db.read}, a child of the request's) when tracing is on. */
    @Override
    public <T> T read(SqlWork<T> work) {
        return dev.latchkey.core.trace.Tracing.inSpan("db.read", () -> readNow(work));
    }

    private <T> T readNow(SqlWork<T> work) {
        try {
            if (!readPermits.tryAcquire(2, TimeUnit.SECONDS)) {
                throw new dev.latchkey.core.store.StoreUnavailableException("no database connection free", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.latchkey.core.store.StoreUnavailableException("interrupted", e);
        }
        try {
            try (Connection connection = readers.getConnection()) {
                return work.run(connection);
            } catch (SQLException e) {
                if (!GroupCommitWriter.isConnectionFailure(e)) {
                    throw e;
                }
                // HikariCP drops a connection that failed this way; one more try gets a live one.
                try (Connection connection = readers.getConnection()) {
                    return work.run(connection);
                }
            }
        } catch (SQLException e) {
            throw JdbcSupport.unavailable(e);
        } finally {
            readPermits.release();
        }
    }

    /**
     * Runs a real query: a pooled connection the database has dropped fails it and leaves the pool.
     * A store whose writes failed in the last 10 s is down too, whatever the query says: a full
     * disk or a read-only file still answer reads.
     */
    @Override
    public boolean ping() {
        if (writer.failedWithin(10)) {
            return false;
        }
        try {
            return read(connection -> {
                try (var statement = connection.createStatement()) {
                    statement.setQueryTimeout(2);
                    return statement.execute("SELECT 1");
                }
            });
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        writer.close();
        readers.close();
    }
}
