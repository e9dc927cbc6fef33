package dev.latchkey.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A throw-away schema on the PostgreSQL every machine of ours runs (127.0.0.1:5432, database
 * {@code test}, user {@code postgres}, trust auth; override with LATCHKEY_TEST_PG_URL). Without a
 * reachable PostgreSQL the tests that need it are skipped with a message, except in CI
 * ({@code CI=true}), where that is a failure.
 */
public final class PostgresDatabase implements AutoCloseable {

    public static final String BASE_URL = System.getenv().getOrDefault("LATCHKEY_TEST_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private final String schema;

    private PostgresDatabase(String schema) {
        this.schema = schema;
    }

    /** Creates a fresh schema, or skips (fails in CI) when PostgreSQL is not reachable. */
    public static PostgresDatabase create() {
        String schema = "lk_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(BASE_URL); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            String message = "PostgreSQL is not reachable at " + BASE_URL + " (" + e.getMessage() + "). Start it with"
                    + " `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`"
                    + " or set LATCHKEY_TEST_PG_URL.";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail("CI=true and " + message);
            }
            Assumptions.abort(message);
        }
        return new PostgresDatabase(schema);
    }

    public String url() {
        return BASE_URL + "&currentSchema=" + schema;
    }

    public String schema() {
        return schema;
    }

    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(BASE_URL); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test schema " + schema, e);
        }
    }
}
