package dev.latchkey.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.store.record.OpaqueAccessTokenRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The store contract on a database, plus what only the JDBC stores do: migrations and group commit. */
abstract class JdbcStoreContractTest extends StoreContractTest {

    /** The JDBC URL the current stores were opened on. */
    abstract String url();

    JdbcStores jdbc() {
        return (JdbcStores) stores;
    }

    @Test
    void aSchemaNewerThanThisBinaryIsRefused() throws Exception {
        stores.close();
        try (var c = java.sql.DriverManager.getConnection(url());
             var ps = c.prepareStatement("INSERT INTO flyway_schema_history (installed_rank, version, description,"
                     + " type, script, checksum, installed_by, installed_on, execution_time, success)"
                     + " VALUES (99, '99', 'from the future', 'SQL', 'V99__future.sql', 0, 'test', CURRENT_TIMESTAMP, 0, ?)")) {
            ps.setBoolean(1, true);
            ps.executeUpdate();
        }

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JdbcStores.open(url()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("newer than this Latchkey");
    }


    @Test
    void asynchronousSavesCompleteWhenStoredAndAFailingOneFailsAlone() {
        OpaqueAccessTokenRecord existing = access(null, NOW.plusSeconds(60));
        stores.tokens().saveAccessToken(existing);
        List<OpaqueAccessTokenRecord> fresh = new ArrayList<>();
        List<java.util.concurrent.CompletableFuture<Void>> saved = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            OpaqueAccessTokenRecord token = access(null, NOW.plusSeconds(60));
            fresh.add(token);
            saved.add(jdbc().asyncTokens().saveAccessTokenAsync(token));
        }
        // Queued among the others: it repeats a stored primary key.
        java.util.concurrent.CompletableFuture<Void> duplicate = jdbc().asyncTokens().saveAccessTokenAsync(existing);

        saved.forEach(java.util.concurrent.CompletableFuture::join);
        assertThat(fresh).allSatisfy(token -> assertThat(stores.tokens().findAccessToken(token.hash())).contains(token));
        assertThat(duplicate).failsWithin(java.time.Duration.ofSeconds(10))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(dev.latchkey.core.store.StoreUnavailableException.class);
    }
}
