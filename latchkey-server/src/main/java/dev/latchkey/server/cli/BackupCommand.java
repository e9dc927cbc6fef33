package dev.latchkey.server.cli;

import dev.latchkey.server.config.DataDirectory;
import dev.latchkey.server.config.ServerConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code latchkey backup --to FILE} and {@code latchkey restore --from FILE}: a consistent copy of
 * a live SQLite store, and putting one back.
 *
 * <p>Copying {@code latchkey.db} while the server runs loses what is still in its write-ahead log.
 * {@code VACUUM INTO} writes a snapshot of the whole database, WAL included, as of one read
 * transaction, while the server goes on serving: every write acknowledged before the backup began
 * is in it. The copy holds no key in clear (signing keys are sealed under the master key), so the
 * master key ({@code master.key} or LATCHKEY_MASTER_KEY) must be kept too, apart from it.
 * PostgreSQL is backed up with its own tools (README).
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Write a consistent copy of the SQLite store, while the server runs.")
final class BackupCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options;

    @Option(names = "--to", required = true, description = "The file to write (must not exist).")
    Path to;

    @Override
    public Integer call() throws SQLException {
        ServerConfig config = options.toConfig();
        Path database = sqliteFile(config);
        if (Files.exists(to)) {
            throw new IllegalArgumentException(to + " exists already; a backup never overwrites a file");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database + "?open_mode=1");
             Statement statement = c.createStatement()) {
            statement.execute("VACUUM INTO '" + to.toAbsolutePath().toString().replace("'", "''") + "'");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Backed up %s to %s. Keep the master key (%s or LATCHKEY_MASTER_KEY) too, apart from it:"
                + " the signing keys in the copy open only with it.%n", database, to, DataDirectory.MASTER_KEY_FILE);
        out.flush();
        return 0;
    }

    /** The SQLite file of the data directory; refused for another store, or a directory without one. */
    static Path sqliteFile(ServerConfig config) {
        if (config.dbUrl() != null) {
            throw new IllegalArgumentException("backup and restore are for the embedded SQLite store; back up"
                    + " PostgreSQL with pg_dump (README, Backup and restore)");
        }
        Path database = config.dataDir().toAbsolutePath().normalize().resolve(DataDirectory.DATABASE_FILE);
        if (!Files.isRegularFile(database)) {
            throw new IllegalArgumentException("no Latchkey database in " + config.dataDir() + " (--data-dir)");
        }
        return database;
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Put a backup in place of the SQLite store (the server must be stopped).")
    static final class Restore implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions options;

        @Option(names = "--from", required = true, description = "The backup file to restore.")
        Path from;

        @Override
        public Integer call() throws Exception {
            ServerConfig config = options.toConfig();
            requireLatchkeyDatabase(from);
            DataDirectory directory = DataDirectory.open(config.dataDir());
            Path database = config.dataDir().toAbsolutePath().normalize().resolve(DataDirectory.DATABASE_FILE);
            // The serving lock: a running server on this directory stops the restore here.
            try (var lock = directory.lockForServing().channel()) {
                if (Files.exists(database)) {
                    Files.move(database, database.resolveSibling(DataDirectory.DATABASE_FILE + ".before-restore"),
                            StandardCopyOption.REPLACE_EXISTING);
                }
                for (String suffix : new String[] {"-wal", "-shm"}) {
                    Files.deleteIfExists(database.resolveSibling(DataDirectory.DATABASE_FILE + suffix));
                }
                Files.copy(from, database);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("Restored %s into %s (the previous database, if any, is %s.before-restore). Start the server"
                    + " with the master key the backup was made under.%n", from, database, DataDirectory.DATABASE_FILE);
            out.flush();
            return 0;
        }

        private static void requireLatchkeyDatabase(Path file) throws SQLException {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(file + " is not a file");
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath() + "?open_mode=1");
                 Statement statement = c.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM flyway_schema_history")) {
                rs.next();
            } catch (SQLException notOurs) {
                throw new IllegalArgumentException(file + " is not a Latchkey backup: " + notOurs.getMessage());
            }
        }
    }
}
