package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.LogCapture;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 7: failed client authentication is logged with the client id and the source
 * address, once a minute per pair with a count, never with what was presented; a client id made of
 * control characters cannot forge log lines.
 */
class FailedAuthenticationLogTest {

    @Test
    void guessingASecretIsOneWarningNamingTheClientAndTheAddressNeverTheGuess() throws Exception {
        try (TestServer server = TestServer.startNew(config -> config);
             LogCapture logs = new LogCapture()) {
            TestClient client = server.register(Map.of("scope", "read"));
            String guess = "guessed-secret-0123456789";
            String basic = "Basic " + Base64.getEncoder().encodeToString((client.id() + ":" + guess).getBytes());
            for (int i = 0; i < 5; i++) {
                assertThat(Http.postForm(server.tokenEndpoint(), basic, Map.of("grant_type", "client_credentials"))
                        .statusCode()).isEqualTo(401);
            }
            assertThat(Http.postForm(server.uri("/oauth2/introspect"), basic, Map.of("token", "x")).statusCode())
                    .as("introspection's failures count with the token endpoint's").isEqualTo(401);
            String forged = "evil\nINFO  forged line";
            Http.postForm(server.tokenEndpoint(), null, Map.of("grant_type", "client_credentials",
                    "client_id", forged, "client_secret", "x"));

            List<String> warnings = logs.warnings().stream()
                    .filter(line -> line.contains("Client authentication failed")).toList();
            assertThat(warnings).filteredOn(line -> line.contains(client.id()))
                    .as("one line for six failures of one client from one address within a minute").hasSize(1);
            assertThat(warnings).allMatch(line -> line.contains("source=127.0.0.1"));
            assertThat(String.join("\n", logs.lines())).doesNotContain(guess).doesNotContain("\nINFO  forged line");
        }
    }
}
