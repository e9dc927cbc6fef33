package dev.latchkey.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.store.Stores;
import dev.latchkey.core.store.record.OpaqueAccessTokenRecord;
import dev.latchkey.core.store.record.RefreshTokenRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PostgresStoreTest extends JdbcStoreContractTest {

    private PostgresDatabase database;

    @Override
    Stores open() {
        database = PostgresDatabase.create();
        return JdbcStores.open(database.url());
    }

    @Override
    String url() {
        return database.url();
    }

    @Override
    void cleanUp() {
        if (database != null) {
            database.close();
        }
    }

    /** The client search's trigram index, where pg_trgm may be used (it may here: the tests run as postgres). */
    @Test
    void aTrigramIndexServesTheClientSearchAndOpeningAgainKeepsIt() throws Exception {
        try (JdbcStores again = JdbcStores.open(database.url());
             java.sql.Connection c = java.sql.DriverManager.getConnection(database.url());
             var rs = c.createStatement().executeQuery("SELECT indexdef FROM pg_indexes WHERE tablename = 'clients'"
                     + " AND schemaname = current_schema() AND indexname = 'clients_name_trgm'")) {
            assertThat(rs.next()).as("the index exists").isTrue();
            assertThat(rs.getString(1)).contains("USING gin").contains("gin_trgm_ops");
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void purgesRunningOnSeveralNodesAtOnceShareTheWorkWhileRotationsGoOn() throws Exception {
        int expired = 6_000;
        for (int i = 0; i < expired; i += 500) {
            for (int j = 0; j < 500; j++) {
                stores.tokens().saveAccessToken(access(null, NOW.minusSeconds(1)));
            }
        }
        RefreshTokenRecord live = refresh("family-live", NOW.plusSeconds(600));
        start(live, null);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Integer>> purges = new ArrayList<>();
        try (JdbcStores otherNode = JdbcStores.open(database.url())) {
            for (Stores node : List.of(stores, otherNode, stores, otherNode)) {
                purges.add(pool.submit(() -> {
                    int total = 0;
                    int touched;
                    do {
                        touched = node.tokens().purgeExpired(NOW, 200);
                        total += touched;
                    } while (touched > 0);
                    return total;
                }));
            }
            RefreshTokenRecord current = live;
            for (int i = 0; i < 20; i++) {
                RefreshTokenRecord next = refresh("family-live", NOW.plusSeconds(600));
                assertThat(stores.tokens().rotate(rotation(current, next, null))).isTrue();
                current = next;
            }
            int purged = 0;
            for (Future<Integer> purge : purges) {
                purged += purge.get();
            }

            assertThat(purged).isGreaterThanOrEqualTo(expired);
            OpaqueAccessTokenRecord probe = access(null, NOW.minusSeconds(1));
            stores.tokens().saveAccessToken(probe);
            stores.tokens().purgeExpired(NOW, 10);
            assertThat(stores.tokens().findAccessToken(probe.hash())).isEmpty();
        } finally {
            pool.shutdown();
        }
    }
}
