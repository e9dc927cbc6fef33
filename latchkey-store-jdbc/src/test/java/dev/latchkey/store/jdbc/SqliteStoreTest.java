package dev.latchkey.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.store.Stores;
import java.nio.file.Path;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends StoreContractTest {

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
}
