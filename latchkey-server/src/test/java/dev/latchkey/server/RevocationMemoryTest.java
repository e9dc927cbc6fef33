package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import dev.latchkey.core.client.ClientLimits;
import dev.latchkey.server.testing.Clients;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.OAuth;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** How long revocations are remembered, and that remembering one twice writes nothing twice. */
class RevocationMemoryTest {

    /** Issue 12, item 5. */
    @Test
    void loweringTheMaxAccessTokenTtlDoesNotReactivateJwtsOfAFamilyRevokedAfterwards() throws Exception {
        AtomicReference<Duration> maxTtl = new AtomicReference<>(Duration.ofDays(1));
        MutableClock clock = MutableClock.startingNow();
        try (TestServer server = TestServer.startNew(config -> config.withLimits(new ClientLimits(maxTtl.get(),
                ClientLimits.defaults().maxRefreshTokenTtl(), ClientLimits.defaults().maxRefreshGrace())), clock)) {
            TestClient client = server.register(Clients.refreshClient(Map.of("access_token_ttl", 86_400)));
            AccessTokenResponse issued = OAuth.clientCredentials(server, client);
            String jwt = issued.getTokens().getAccessToken().getValue();

            maxTtl.set(Duration.ofHours(1));
            server.restart();
            OAuth.revoke(server, client, new RefreshToken(issued.getTokens().getRefreshToken().getValue()));
            server.restart(); // the revocation list is read back from the store
            clock.advance(Duration.ofHours(2));

            assertThat(OAuth.introspect(server, client, jwt).isActive())
                    .as("the JWT expires in 22 hours; its family was revoked").isFalse();
        }
    }

    /** Issue 12, item 9. */
    @Test
    void revokingTheSameJwtAgainAddsNothingToTheChangeLog() throws Exception {
        try (TestServer server = TestServer.startNew(config -> config)) {
            TestClient client = server.register(Map.of("scope", "read"));
            String jwt = OAuth.clientCredentials(server, client).getTokens().getAccessToken().getValue();
            OAuth.revoke(server, client, new BearerAccessToken(jwt));
            long after = changes(server);

            for (int i = 0; i < 50; i++) {
                assertThat(OAuth.revoke(server, client, new BearerAccessToken(jwt)).getStatusCode()).isEqualTo(200);
            }

            assertThat(changes(server)).isEqualTo(after);
            assertThat(OAuth.introspect(server, client, jwt).isActive()).isFalse();
        }
    }

    @Test
    void revokingTheSameRefreshFamilyAgainAddsNothingToTheChangeLog() throws Exception {
        try (TestServer server = TestServer.startNew(config -> config)) {
            TestClient client = server.register(Clients.refreshClient(Map.of()));
            String refresh = OAuth.clientCredentials(server, client).getTokens().getRefreshToken().getValue();
            OAuth.revoke(server, client, new RefreshToken(refresh));
            long after = changes(server);

            for (int i = 0; i < 20; i++) {
                OAuth.revoke(server, client, new RefreshToken(refresh));
                OAuth.refresh(server, client, refresh); // a replay of a revoked token
            }

            assertThat(changes(server)).isEqualTo(after);
        }
    }

    private static long changes(TestServer server) throws Exception {
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + server.dataDir().resolve("latchkey.db"));
             var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM changes")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
