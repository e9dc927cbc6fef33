package dev.latchkey.store.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The SQLite reader pool's connections, each keeping its prepared statements ({@link StatementCache}):
 * SQLite compiles a statement at every prepare, and preparing was most of a read's cost
 * (BENCHMARKS.md, "SQLite reads"). HikariCP pools these as it pools any connection; a statement it
 * closes when a connection goes back to the pool stays prepared for the next borrower.
 */
final class KeptStatementsDataSource implements DataSource {

    private final String url;
    private final Properties properties;

    KeptStatementsDataSource(String url, Properties properties) {
        this.url = url;
        this.properties = properties;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return StatementCache.wrap(DriverManager.getConnection(url, properties));
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    /**
     * HikariCP waits this long, at its shutdown, for a connection it is opening in the background;
     * with 0 it gave up at once, logged "Timed-out waiting for add connection executor to shutdown"
     * and let that connection open after the pool had closed (a SQLite file touched after close).
     * Opening a SQLite connection takes milliseconds.
     */
    @Override
    public int getLoginTimeout() {
        return 5;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no java.util.logging here");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return false;
    }
}
