package dev.latchkey.store.jdbc;

/** The two databases Latchkey runs on; each has its own Flyway migration history. */
public enum Dialect {
    SQLITE("db/migration/sqlite"),
    POSTGRESQL("db/migration/postgresql");

    private final String migrations;

    Dialect(String migrations) {
        this.migrations = migrations;
    }

    public String migrations() {
        return "classpath:" + migrations;
    }

    public static Dialect of(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("unsupported database URL: use jdbc:sqlite:<file> or jdbc:postgresql://...");
    }
}
