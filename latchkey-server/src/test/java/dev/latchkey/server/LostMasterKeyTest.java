package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.key.MasterKey;
import dev.latchkey.server.cli.Commands;
import dev.latchkey.server.config.DataDirectory;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 2: a lost master key has a tested way out. The server refuses to start and names
 * {@code keys reset}; after it (with --yes), the server starts with a new key, issues tokens again,
 * and the JWTs signed before no longer verify; refresh tokens still work.
 */
class LostMasterKeyTest {

    private static int run(StringWriter out, String... args) {
        return Commands.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(out)).execute(args);
    }

    @Test
    void keysResetIsTheWayOutOfALostMasterKey() throws Exception {
        try (TestServer server = TestServer.startNew(config -> config)) {
            TestClient client = server.registerRefreshClient(Map.of());
            Map<String, Object> before = Http.json(Http.postForm(server.tokenEndpoint(), client.basicHeader(),
                    Map.of("grant_type", "client_credentials")));
            server.stop();
            Files.writeString(server.dataDir().resolve(DataDirectory.MASTER_KEY_FILE), MasterKey.generate().encoded());
            assertThatThrownBy(server::start).hasMessageContaining("keys reset --yes");

            StringWriter refused = new StringWriter();
            assertThat(run(refused, "keys", "reset", "--data-dir", server.dataDir().toString())).isNotZero();
            assertThat(refused.toString()).contains("--yes");
            StringWriter reset = new StringWriter();
            assertThat(run(reset, "keys", "reset", "--yes", "--data-dir", server.dataDir().toString()))
                    .as(reset.toString()).isZero();
            assertThat(reset.toString()).contains("Deleted 1 signing keys");

            server.start();
            assertThat(Http.json(Http.postForm(server.uri("/oauth2/introspect"), client.basicHeader(),
                    Map.of("token", (String) before.get("access_token"))))).as("the old JWT no longer verifies")
                    .containsEntry("active", false);
            assertThat(Http.postForm(server.tokenEndpoint(), client.basicHeader(), Map.of("grant_type",
                    "refresh_token", "refresh_token", (String) before.get("refresh_token"))).statusCode())
                    .as("refresh tokens are not signed: they still work").isEqualTo(200);
        }
    }
}
