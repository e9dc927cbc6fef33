package dev.latchkey.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a connection of its own that LISTENs on the change channel and calls back on every
 * notification, so a revocation on one node reaches the others' caches within milliseconds.
 * When the connection breaks it reconnects with backoff and calls back once connected again, so
 * the node re-reads every change it may have missed. Thread-safe.
 */
final class PostgresChangeListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresChangeListener.class);
    private static final int WAIT_MILLIS = 500;
    private static final long MAX_BACKOFF_MILLIS = 2_000;

    private final String jdbcUrl;
    private final Runnable onChange;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Connection connection;

    PostgresChangeListener(String jdbcUrl, Runnable onChange) {
        this.jdbcUrl = jdbcUrl;
        this.onChange = onChange;
        this.thread = new Thread(this::loop, "latchkey-pg-listener");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop() {
        long backoff = 100;
        boolean warned = false;
        while (running) {
            try (Connection c = DriverManager.getConnection(jdbcUrl)) {
                connection = c;
                try (Statement statement = c.createStatement()) {
                    statement.execute("LISTEN " + JdbcChangeLog.CHANNEL);
                }
                if (warned) {
                    LOG.info("Change notifications reconnected");
                }
                warned = false;
                backoff = 100;
                onChange.run(); // catch up on whatever happened while we were not listening
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
                    if (notifications != null && notifications.length > 0) {
                        onChange.run();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                if (!warned) {
                    LOG.warn("Change notifications lost ({}); reconnecting", e.toString());
                    warned = true;
                }
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            } finally {
                connection = null;
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing the listener connection", e);
            }
        }
        thread.interrupt();
    }
}
