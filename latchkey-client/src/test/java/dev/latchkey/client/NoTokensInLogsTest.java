package dev.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.client.testing.JulCapture;
import dev.latchkey.client.testing.StubServer.Answer;
import dev.latchkey.client.testing.StubServer;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A full refresh cycle, failures included, logs no token or secret, and no toString shows one. */
class NoTokensInLogsTest {

    @RegisterExtension
    static final TestServer SERVER = TestServer.realTime(config -> config);

    @Test
    void aFullRefreshCycleLogsNoTokenOrSecret(@TempDir Path dir) throws Exception {
        TestClient client = SERVER.registerRefreshClient(Map.of());
        List<String> secrets = new ArrayList<>(List.of(client.secret()));
        List<String> printed = new ArrayList<>();
        List<String> lines;
        try (JulCapture logs = new JulCapture()) {
            FileCredentialStore store = new FileCredentialStore(dir.resolve("tokens.json"));
            try (TokenManager tokens = TokenManager.builder(SERVER.tokenEndpoint())
                    .clientCredentials(ClientAuthentication.basic(client.id(), client.secret()))
                    .credentialStore(store).build()) {
                for (int i = 0; i < 3; i++) {
                    Credentials credentials = tokens.getCredentials();
                    secrets.add(credentials.accessToken());
                    secrets.add(credentials.refreshToken());
                    printed.add(credentials.toString());
                    printed.add(tokens.toString());
                    printed.add(TokenResponse.parse(credentials.toJson(), java.time.Instant.now()).toString());
                    tokens.invalidate(credentials.accessToken());
                }
                // a rejected refresh token, logged as such
                String refresh = store.load().orElseThrow().refreshToken();
                Http.postForm(SERVER.uri("/oauth2/revoke"), client.basicHeader(), Map.of("token", refresh));
                secrets.add(tokens.getAccessToken());
            }
            try (StubServer failing = new StubServer(seen -> Answer.json(400,
                    "{\"error\":\"invalid_request\",\"error_description\":\"bad\"}"));
                 TokenManager broken = TokenManager.builder(failing.uri("/token"))
                         .clientCredentials(ClientAuthentication.basic("id", "stub-secret-value")).build()) {
                secrets.add("stub-secret-value");
                try {
                    broken.getAccessToken();
                } catch (OAuthErrorException e) {
                    printed.add(e.getMessage());
                    printed.add(e.toString());
                }
            }
            lines = logs.lines();
        }

        assertThat(lines).as("the cycle was logged").isNotEmpty();
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("invalid_grant"));
        for (String secret : secrets) {
            assertThat(lines).noneMatch(line -> line.contains(secret));
            assertThat(printed).noneMatch(text -> text.contains(secret));
        }
    }
}
