package dev.latchkey.store.jdbc;

import dev.latchkey.core.store.AccountStore;
import dev.latchkey.core.store.AuditStore;
import dev.latchkey.core.store.CatalogueStore;
import dev.latchkey.core.store.ChangeLog;
import dev.latchkey.core.store.UsageStore;
import dev.latchkey.core.store.ClientStore;
import dev.latchkey.core.store.KeyStore;
import dev.latchkey.core.store.Stores;
import dev.latchkey.core.store.TokenStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the stores on a JDBC URL: {@code jdbc:sqlite:<file>} (embedded, the default) or
 * {@code jdbc:postgresql://...} (many nodes on one database). The schema is created or migrated
 * by Flyway from the migration history of the URL's dialect before anything else runs; a
 * database migrated by a newer Latchkey is refused.
 */
public final class JdbcStores implements Stores {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcStores.class);

    private final Dialect dialect;
    private final Transactor db;
    private final ClientStore clients;
    private final TokenStore tokens;
    private final AsyncTokenStore asyncTokens;
    private final KeyStore keys;
    private final ChangeLog changes;
    private final AccountStore accounts;
    private final CatalogueStore catalogue;
    private final AuditStore audit;
    private final UsageStore usage;
    private final JdbcAuthorizationStore authorizations;
    private final JdbcDeclarationStore declarations;
    private final String jdbcUrl;
    private final JdbcTokenStore jdbcTokens;
    private PostgresChangeListener listener;

    private JdbcStores(Dialect dialect, Transactor db, String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
        this.dialect = dialect;
        this.db = db;
        JdbcChangeLog changeLog = new JdbcChangeLog(db, dialect);
        this.changes = changeLog;
        JdbcAuditStore auditStore = new JdbcAuditStore(db);
        this.audit = auditStore;
        this.accounts = new JdbcAccountStore(db, auditStore);
        this.catalogue = new JdbcCatalogueStore(db, auditStore);
        this.usage = new JdbcUsageStore(db);
        this.authorizations = new JdbcAuthorizationStore(db);
        this.declarations = new JdbcDeclarationStore(db);
        JdbcTokenStore jdbcTokens = new JdbcTokenStore(db, changeLog, auditStore, dialect);
        this.jdbcTokens = jdbcTokens;
        if (dialect == Dialect.SQLITE) {
            // The embedded file has one writer, this process: all token changes pass through here.
            CachingTokenStore cached = new CachingTokenStore(jdbcTokens);
            this.tokens = cached;
            this.asyncTokens = cached;
            this.clients = new JdbcClientStore(db, changeLog, auditStore, cached::forgetAll);
        } else {
            this.tokens = jdbcTokens;
            this.asyncTokens = jdbcTokens;
            this.clients = new JdbcClientStore(db, changeLog, auditStore, () -> { });
        }
        this.keys = new JdbcKeyStore(db, changeLog);
    }

    /** For tools and tests: a PostgreSQL pool of 4 read connections. */
    public static JdbcStores open(String jdbcUrl) {
        return open(jdbcUrl, 4);
    }

    /** @param poolSize connections in the PostgreSQL pool (SQLite uses one writer and a few readers) */
    public static JdbcStores open(String jdbcUrl, int poolSize) {
        Dialect dialect = Dialect.of(jdbcUrl);
        if (dialect == Dialect.SQLITE) {
            ownerOnly(jdbcUrl);
        }
        migrate(jdbcUrl, dialect);
        if (dialect == Dialect.POSTGRESQL) {
            trigramSearch(jdbcUrl);
        }
        Transactor db = new JdbcTransactor(dialect, jdbcUrl, poolSize);
        return new JdbcStores(dialect, db, jdbcUrl);
    }

    /**
     * On PostgreSQL, where the {@code pg_trgm} extension may be created (or exists), a trigram index on
     * the clients' names: a dashboard search that matches nothing among 100,000 clients becomes an index
     * lookup instead of a scan of {@code clients_search} (BENCHMARKS.md, "Dashboard at scale"). Optional,
     * so not a migration: a database that refuses the extension (some managed ones) keeps the scan, and
     * says so once. Built {@code CONCURRENTLY}: writes to {@code clients} go on meanwhile.
     */
    static void trigramSearch(String jdbcUrl) {
        try (Connection c = DriverManager.getConnection(jdbcUrl); var statement = c.createStatement()) {
            String schema = null;
            try (var rs = statement.executeQuery("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n"
                    + " ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'")) {
                if (rs.next()) {
                    schema = rs.getString(1);
                }
            }
            if (schema == null) {
                statement.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm");
                try (var rs = statement.executeQuery("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n"
                        + " ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'")) {
                    schema = rs.next() ? rs.getString(1) : null;
                }
            }
            if (schema != null) {
                // A build that was interrupted leaves an invalid index, which IF NOT EXISTS would keep forever.
                try (var rs = statement.executeQuery("SELECT NOT i.indisvalid FROM pg_index i JOIN pg_class c"
                        + " ON c.oid = i.indexrelid WHERE c.relname = 'clients_name_trgm'"
                        + " AND c.relnamespace = current_schema()::regnamespace")) {
                    if (rs.next() && rs.getBoolean(1)) {
                        statement.execute("DROP INDEX CONCURRENTLY clients_name_trgm");
                    }
                }
                statement.execute("CREATE INDEX CONCURRENTLY IF NOT EXISTS clients_name_trgm ON clients USING gin"
                        + " (name \"" + schema.replace("\"", "\"\"") + "\".gin_trgm_ops)");
            }
        } catch (SQLException e) {
            LOG.info("The client search scans an index instead of a trigram index: pg_trgm cannot be used here ({})",
                    JdbcSupport.cause(e));
        }
    }


    /** PostgreSQL pushes changes (LISTEN/NOTIFY); SQLite has no push, the feed's polling suffices. */
    @Override
    public synchronized void subscribe(Runnable onChange) {
        if (dialect == Dialect.POSTGRESQL && listener == null) {
            listener = new PostgresChangeListener(jdbcUrl, onChange);
        }
    }

    /**
     * Creates the SQLite file readable by its owner only (0600), or makes an existing one so, with its
     * write-ahead log and shared-memory files: they hold token hashes and sealed keys. SQLite creates
     * the {@code -wal} and {@code -shm} files with the mode of the database file, so a new file
     * made 0600 here keeps them 0600 too.
     */
    static void ownerOnly(String jdbcUrl) {
        String file = jdbcUrl.substring("jdbc:sqlite:".length());
        int query = file.indexOf('?');
        file = query < 0 ? file : file.substring(0, query);
        if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:")) {
            return;
        }
        java.nio.file.Path db = java.nio.file.Path.of(file);
        var ownerOnly = java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");
        try {
            if (!java.nio.file.Files.exists(db)) {
                java.nio.file.Files.createFile(db,
                        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(ownerOnly));
            }
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                java.nio.file.Path path = java.nio.file.Path.of(db + suffix);
                if (java.nio.file.Files.exists(path)
                        && !java.nio.file.Files.getPosixFilePermissions(path).equals(ownerOnly)) {
                    java.nio.file.Files.setPosixFilePermissions(path, ownerOnly);
                    LOG.info("{} was readable by others; it is now 0600", path.getFileName());
                }
            }
        } catch (UnsupportedOperationException notPosix) {
            // Not a POSIX file system (Windows): its ACLs are the operator's to set.
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            ownerOnly(jdbcUrl);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create or protect the database file " + db + ": " + e.getMessage(), e);
        }
    }

    /** The newest migration this binary carries, the same for both dialects (checked by a test). */
    static final int SCHEMA_VERSION = 13;

    static void migrate(String jdbcUrl, Dialect dialect) {
        if (isCurrent(jdbcUrl)) {
            return;
        }
        Flyway flyway = Flyway.configure()
                .dataSource(jdbcUrl, null, null)
                .locations(dialect.migrations())
                // A migration applied by a newer binary is not "future and fine": refuse to run on it.
                .ignoreMigrationPatterns("")
                .validateOnMigrate(true)
                .load();
        try {
            int applied = flyway.migrate().migrationsExecuted;
            if (applied > 0) {
                LOG.info("Database schema migrated ({} migrations applied, {})", applied, dialect);
            }
        } catch (FlywayException e) {
            MigrationInfo[] future = Arrays.stream(flyway.info().all())
                    .filter(m -> m.getState() == MigrationState.FUTURE_SUCCESS
                            || m.getState() == MigrationState.FUTURE_FAILED)
                    .toArray(MigrationInfo[]::new);
            if (future.length > 0) {
                throw new IllegalStateException("The database schema is at version "
                        + future[future.length - 1].getVersion() + ", newer than this Latchkey understands."
                        + " Run the Latchkey version that migrated it, or restore a backup.", e);
            }
            throw new IllegalStateException("Database migration failed: " + e.getMessage(), e);
        }
    }

    /**
     * True if the schema history says this binary's newest migration is applied and nothing
     * failed. Then Flyway, which needs about a third of a second to start, is not needed: that is
     * every start but the first and the first after an upgrade. Anything else (no history, an
     * older or newer version, a failed migration) goes to Flyway, which migrates, or refuses.
     */
    static boolean isCurrent(String jdbcUrl) {
        try (Connection c = DriverManager.getConnection(jdbcUrl);
             var statement = c.createStatement();
             var rs = statement.executeQuery("SELECT MAX(CAST(version AS INTEGER)),"
                     + " SUM(CASE WHEN success THEN 0 ELSE 1 END) FROM flyway_schema_history WHERE version IS NOT NULL")) {
            return rs.next() && rs.getInt(1) == SCHEMA_VERSION && rs.getInt(2) == 0;
        } catch (SQLException noHistoryYet) {
            return false;
        }
    }

    /**
     * For readiness: every migration this binary carries is applied and none failed. A newer
     * schema (another node upgraded first; migrations only add) still counts as current.
     */
    public boolean migrationsCurrent() {
        try {
            return db.read(c -> {
                try (var statement = c.createStatement();
                     var rs = statement.executeQuery("SELECT MAX(CAST(version AS INTEGER)), SUM(CASE WHEN success"
                             + " THEN 0 ELSE 1 END) FROM flyway_schema_history WHERE version IS NOT NULL")) {
                    return rs.next() && rs.getInt(1) >= SCHEMA_VERSION && rs.getInt(2) == 0;
                }
            });
        } catch (RuntimeException e) {
            return false;
        }
    }

    public Dialect dialect() {
        return dialect;
    }

    @Override
    public ClientStore clients() {
        return clients;
    }

    @Override
    public TokenStore tokens() {
        return tokens;
    }

    /** The same tokens, for callers that must not wait for the database (group commit, batched lookups). */
    public AsyncTokenStore asyncTokens() {
        return asyncTokens;
    }

    @Override
    public KeyStore keys() {
        return keys;
    }

    @Override
    public ChangeLog changes() {
        return changes;
    }

    @Override
    public AccountStore accounts() {
        return accounts;
    }

    @Override
    public CatalogueStore catalogue() {
        return catalogue;
    }

    @Override
    public AuditStore audit() {
        return audit;
    }

    @Override
    public UsageStore usage() {
        return usage;
    }

    @Override
    public dev.latchkey.core.store.AuthorizationStore authorizations() {
        return authorizations;
    }

    @Override
    public dev.latchkey.core.store.DeclarationStore declarations() {
        return declarations;
    }

    /** The pool's and the writer's numbers, for the metrics. */
    public StoreStats stats() {
        return db.stats();
    }

    @Override
    public boolean isAvailable() {
        return db.ping();
    }

    /** Runs SQLite's {@code PRAGMA integrity_check}; "ok" when the file is sound. */
    public static String sqliteIntegrityCheck(String jdbcUrl) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl);
             var rs = c.createStatement().executeQuery("PRAGMA integrity_check")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Override
    public synchronized void close() {
        if (listener != null) {
            listener.close();
        }
        jdbcTokens.close();
        db.close();
    }
}
