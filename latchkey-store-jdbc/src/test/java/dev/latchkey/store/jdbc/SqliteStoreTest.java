package dev.latchkey.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.store.Stores;
import java.nio.file.Path;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends JdbcStoreContractTest {

    @TempDir
    Path dir;

    @Override
    String url() {
        return "jdbc:sqlite:" + dir.resolve("latchkey.db");
    }

    @Override
    Stores open() {
        return JdbcStores.open(url());
    }

    @Override
    void cleanUp() {
        // @TempDir removes the file
    }

    @Test
    void fileIsInWalModeAndPassesTheIntegrityCheck() throws Exception {
        try (var c = DriverManager.getConnection(url()); var rs = c.createStatement().executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
        }
        assertThat(JdbcStores.sqliteIntegrityCheck(url())).isEqualTo("ok");
    }

    @Test
    void theSchemaVersionConstantIsTheNewestMigrationOfEachDialect() throws Exception {
        for (Dialect dialect : Dialect.values()) {
            java.net.URL folder = getClass().getClassLoader().getResource(dialect.migrations().substring("classpath:".length()));
            try (var files = java.nio.file.Files.list(java.nio.file.Path.of(folder.toURI()))) {
                int newest = files.map(f -> f.getFileName().toString())
                        .filter(name -> name.matches("V\\d+__.*\\.sql"))
                        .mapToInt(name -> Integer.parseInt(name.substring(1, name.indexOf("__"))))
                        .max().orElseThrow();
                assertThat(newest).as(dialect.name()).isEqualTo(JdbcStores.SCHEMA_VERSION);
            }
        }
    }

    @Test
    void aCurrentSchemaIsRecognisedSoStartsSkipFlyway() {
        assertThat(JdbcStores.isCurrent(url())).isTrue();
        assertThat(JdbcStores.isCurrent("jdbc:sqlite:" + dir.resolve("empty.db"))).isFalse();
    }

    /** Readers keep their statements prepared; that must not hold a read transaction open. */
    @Test
    void readsWithKeptStatementsLeaveTheWriteAheadLogFreeToCheckpoint() throws Exception {
        var token = refresh("family-wal", NOW.plusSeconds(60));
        start(token, null);
        for (int i = 0; i < 200; i++) {
            assertThat(stores.tokens().findRefreshToken(token.hash())).isPresent();
            assertThat(stores.tokens().findAccessToken(dev.latchkey.core.secret.TokenHash.of("absent-" + i))).isEmpty();
        }

        try (var c = DriverManager.getConnection(url());
             var rs = c.createStatement().executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            rs.next();
            assertThat(rs.getInt(1)).as("busy: a reader held the log").isZero();
        }
        assertThat(java.nio.file.Files.size(dir.resolve("latchkey.db-wal"))).isZero();
    }
}
