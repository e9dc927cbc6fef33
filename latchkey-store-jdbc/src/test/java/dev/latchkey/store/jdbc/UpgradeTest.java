package dev.latchkey.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.client.StoredSecret;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.store.ClientStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database written by the previous release (schema version 2) opens under this one: its clients
 * keep their secret (moved to the secrets table) and their name becomes searchable.
 */
class UpgradeTest {

    @TempDir
    Path dir;

    @Test
    void aVersion2SqliteDatabaseKeepsItsClients() throws Exception {
        upgrade("jdbc:sqlite:" + dir.resolve("v2.db"));
    }

    @Test
    void aVersion2PostgresDatabaseKeepsItsClients() throws Exception {
        try (PostgresDatabase database = PostgresDatabase.create()) {
            upgrade(database.url());
        }
    }

    @Test
    void aSqliteAssertionSpentBeforeVersion13StaysSpent() throws Exception {
        spentBefore13("jdbc:sqlite:" + dir.resolve("v12.db"));
    }

    @Test
    void aPostgresAssertionSpentBeforeVersion13StaysSpent() throws Exception {
        try (PostgresDatabase database = PostgresDatabase.create()) {
            spentBefore13(database.url());
        }
    }

    /** V13 moved spent jti to spent_jtis: what client_assertions held comes along, under the same time. */
    private static void spentBefore13(String url) throws Exception {
        Flyway.configure().dataSource(url, null, null).locations(Dialect.of(url).migrations()).target("12").load()
                .migrate();
        java.time.Instant until = java.time.Instant.now().plusSeconds(300);
        dev.latchkey.core.secret.TokenHash jti = dev.latchkey.core.secret.TokenHash.of("old-client\u0000jti-1");
        java.time.Instant over = java.time.Instant.now().minusSeconds(60);
        dev.latchkey.core.secret.TokenHash expired = dev.latchkey.core.secret.TokenHash.of("old-client\u0000jti-0");
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement("INSERT INTO client_assertions (jti_hash, client_id, expires_at)"
                     + " VALUES (?, ?, ?)")) {
            ps.setString(1, jti.value());
            ps.setString(2, "old-client");
            ps.setLong(3, until.getEpochSecond());
            ps.executeUpdate();
            ps.setString(1, expired.value());
            ps.setLong(3, over.getEpochSecond());
            ps.executeUpdate();
        }

        try (JdbcStores stores = JdbcStores.open(url)) {
            assertThat(stores.authorizations().spendAssertion(jti, "old-client", until)).as("a replay across the upgrade")
                    .isFalse();
            assertThat(stores.authorizations().spendAssertion(expired, "old-client", over))
                    .as("what was over is not copied").isTrue();
            assertThat(stores.authorizations().purgeAssertions(until.plusSeconds(1), 100))
                    .as("the copy, the expired one spent again, and the old table's two rows").isEqualTo(4);
        }
    }

    private static void upgrade(String url) throws Exception {
        Flyway.configure().dataSource(url, null, null).locations(Dialect.of(url).migrations()).target("2").load()
                .migrate();
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement("INSERT INTO clients (client_id, secret_hash,"
                     + " registration_token_hash, metadata, issued_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, "old-client");
            ps.setString(2, Secrets.hash("old secret"));
            ps.setString(3, Secrets.hash("registration"));
            ps.setString(4, "{\"client_name\":\"Billing App\",\"scope\":\"read\",\"grant_types\":[\"client_credentials\"]}");
            ps.setLong(5, 1_700_000_000L);
            ps.setLong(6, 1_700_000_000L);
            ps.executeUpdate();
        }

        try (JdbcStores stores = JdbcStores.open(url)) {
            RegisteredClient client = stores.clients().find("old-client").orElseThrow();
            assertThat(client.secrets()).extracting(StoredSecret::hash).containsExactly(Secrets.hash("old secret"));
            assertThat(client.secrets().get(0).expiresAt()).isNull();
            assertThat(client.disabled()).isFalse();
            assertThat(client.ownerId()).isNull();
            assertThat(stores.clients().list(new ClientStore.Query("billing", null, null, null, 10)).items())
                    .extracting(RegisteredClient::clientId).containsExactly("old-client");
            assertThat(stores.clients().list(new ClientStore.Query(null, null, "read", null, 10)).items())
                    .extracting(RegisteredClient::clientId).containsExactly("old-client");
        }
    }
}
