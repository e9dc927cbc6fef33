package dev.latchkey.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * SQLite in WAL mode: readers from a small pool read concurrently with the one writer; all writes
 * go through the {@link GroupCommitWriter}. {@code synchronous=FULL} syncs the WAL at every commit,
 * so an acknowledged write survives a crash of the process and of the machine.
 */
final class SqliteTransactor implements Transactor {

    private final HikariDataSource readers;
    private final GroupCommitWriter writer;

    SqliteTransactor(String jdbcUrl) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("latchkey-sqlite-readers");
        config.setJdbcUrl(jdbcUrl);
        config.setDataSourceProperties(properties());
        config.setMaximumPoolSize(8);
        config.setMinimumIdle(2);
        config.setConnectionTimeout(5_000);
        this.readers = new HikariDataSource(config);
        this.writer = new GroupCommitWriter(() -> {
            try {
                return DriverManager.getConnection(jdbcUrl, properties());
            } catch (SQLException e) {
                throw JdbcSupport.unavailable(e);
            }
        });
    }

    static Properties properties() {
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
    public <T> T read(SqlWork<T> work) {
        try (Connection connection = readers.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw JdbcSupport.unavailable(e);
        }
    }

    @Override
    public boolean ping() {
        try {
            return read(connection -> connection.isValid(2));
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
