package dev.latchkey.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * PostgreSQL through a HikariCP pool: each write is its own transaction on a pooled connection.
 * PostgreSQL groups the WAL flushes of concurrent commits itself.
 */
final class PostgresTransactor implements Transactor {

    private final HikariDataSource pool;

    PostgresTransactor(String jdbcUrl, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("latchkey-postgresql");
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(2, poolSize));
        // Fail a request fast (503) instead of queueing it behind a dead database.
        config.setConnectionTimeout(2_000);
        config.setValidationTimeout(1_000);
        config.setInitializationFailTimeout(-1);
        this.pool = new HikariDataSource(config);
    }

    HikariDataSource dataSource() {
        return pool;
    }

    @Override
    public <T> T write(SqlWork<T> work) {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw JdbcSupport.unavailable(e);
        }
    }

    @Override
    public <T> T read(SqlWork<T> work) {
        try (Connection connection = pool.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw JdbcSupport.unavailable(e);
        }
    }

    @Override
    public boolean ping() {
        try {
            return read(connection -> connection.isValid(1));
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
