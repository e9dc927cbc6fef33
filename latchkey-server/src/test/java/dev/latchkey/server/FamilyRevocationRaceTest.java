package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.Clients;
import dev.latchkey.server.testing.FamilyRaces.Revocation;
import dev.latchkey.server.testing.FamilyRaces;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.store.jdbc.PostgresDatabase;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 12, item 1: a refresh racing a revocation of its family (or a reuse detection) must not
 * leave a token of that family working, on either store. The two-node variant is in
 * {@link MultiNodeTest}.
 */
class FamilyRevocationRaceTest {

    private static final int RACES = 300;
    private static final int PARALLEL = 16;

    private static TestClient opaqueRefreshClient(TestServer server) {
        // Opaque access tokens: whether one is active is read from the database, not from a cache.
        return server.register(Clients.refreshClient(Map.of("access_token_format", "opaque")));
    }

    @ParameterizedTest
    @EnumSource(Revocation.class)
    void refreshRacingAFamilyRevocationLeavesNoSurvivorOnSqlite(Revocation kind) throws Exception {
        try (TestServer server = TestServer.startNew(config -> config)) {
            FamilyRaces.Result result =
                    FamilyRaces.run(server, server, opaqueRefreshClient(server), kind, RACES, PARALLEL);

            assertThat(result.survivors()).as("%s refreshes won their race", result.refreshesThatWon()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Revocation.class)
    void refreshRacingAFamilyRevocationLeavesNoSurvivorOnPostgres(Revocation kind) throws Exception {
        try (PostgresDatabase database = PostgresDatabase.create();
             TestServer server = TestServer.startNew(config -> config.withDbUrl(database.url()))) {
            FamilyRaces.Result result =
                    FamilyRaces.run(server, server, opaqueRefreshClient(server), kind, RACES, PARALLEL);

            assertThat(result.survivors()).as("%s refreshes won their race", result.refreshesThatWon()).isEmpty();
        }
    }
}
