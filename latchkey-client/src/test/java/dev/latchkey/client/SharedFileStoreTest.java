package dev.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two JVMs of one service share a credential file against a server that rotates refresh tokens
 * with no grace window: every spent refresh token would be a family revocation. Over 100 forced
 * refresh cycles each, none may be refused and the file must always read.
 */
class SharedFileStoreTest {

    @RegisterExtension
    static final TestServer SERVER = TestServer.realTime(config -> config);

    @Test
    void twoProcessesSharingOneFileNeverSpendARotatedRefreshToken(@TempDir Path dir) throws Exception {
        TestClient client = SERVER.registerRefreshClient(Map.of());
        Path file = dir.resolve("credentials.json");
        try (TokenManager seed = TokenManager.builder(SERVER.tokenEndpoint())
                .clientCredentials(ClientAuthentication.basic(client.id(), client.secret()))
                .credentialStore(new FileCredentialStore(file)).build()) {
            seed.getAccessToken();
        }

        List<Process> workers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            workers.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), SharedStoreWorker.class.getName(),
                    SERVER.tokenEndpoint().toString(), client.id(), client.secret(), file.toString(), "100")
                    .redirectErrorStream(true).start());
        }
        List<String> outputs = new ArrayList<>();
        for (Process worker : workers) {
            assertThat(worker.waitFor(120, TimeUnit.SECONDS)).isTrue();
            outputs.add(output(worker));
            assertThat(worker.exitValue()).as(outputs.get(outputs.size() - 1)).isZero();
        }

        assertThat(outputs).allSatisfy(output -> assertThat(output).contains("refused=0 distinct=100"));
        Credentials last = new FileCredentialStore(file).load().orElseThrow();
        assertThat(last.refreshToken()).isNotBlank();
        assertThat(dev.latchkey.server.testing.Http.json(dev.latchkey.server.testing.Http.postForm(
                SERVER.uri("/oauth2/introspect"), client.basicHeader(), Map.of("token", last.refreshToken()))))
                .as("the family is intact: the last stored refresh token is active").containsEntry("active", true);
    }

    private static String output(Process process) throws IOException {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
