package dev.latchkey.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.store.Stores;
import java.nio.file.Path;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends StoreContractTest {

    @TempDir
    Path dir;

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
    void aSchemaNewerThanThisBinaryIsRefused() throws Exception {
        stores.close();
        try (var c = DriverManager.getConnection(url()); var s = c.createStatement()) {
            s.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                    + " installed_by, installed_on, execution_time, success) VALUES (99, '99', 'from the future', 'SQL',"
                    + " 'V99__future.sql', 0, 'test', CURRENT_TIMESTAMP, 0, 1)");
        }

        assertThatThrownBy(() -> JdbcStores.open(url()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("newer than this Latchkey");
        assertThatThrownBy(() -> JdbcStores.open(url())).as("the refusal changed nothing, so it holds")
                .hasMessageContaining("newer than this Latchkey");
    }
}
