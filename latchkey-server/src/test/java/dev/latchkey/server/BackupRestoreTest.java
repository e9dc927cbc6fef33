package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.cli.Commands;
import dev.latchkey.server.config.DataDirectory;
import dev.latchkey.server.config.ServerConfig;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, item 9: {@code latchkey backup} copies a live SQLite store under refresh load, and
 * {@code latchkey restore} puts it in a new data directory where every token acknowledged before
 * the backup began still works; a restore never runs under a live server.
 */
class BackupRestoreTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Commands.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static String refresh(TestServer server, TestClient client, String token) {
        HttpResponse<String> response = Http.postForm(server.tokenEndpoint(), client.basicHeader(),
                Map.of("grant_type", "refresh_token", "refresh_token", token));
        return response.statusCode() == 200 ? (String) Http.json(response).get("refresh_token") : null;
    }

    @Test
    void aBackupTakenUnderLoadRestoresWithEveryAcknowledgedToken(@TempDir Path dir) throws Exception {
        Path backup = dir.resolve("backup.db");
        Path restored = dir.resolve("restored");
        List<String> kept = new ArrayList<>();
        TestClient client;
        try (TestServer server = TestServer.startNew(config -> config)) {
            client = server.registerRefreshClient(Map.of());
            for (int i = 0; i < 20; i++) {
                kept.add((String) Http.json(Http.postForm(server.tokenEndpoint(), client.basicHeader(),
                        Map.of("grant_type", "client_credentials"))).get("refresh_token"));
            }
            // Load: four threads rotate families of their own as fast as they can meanwhile.
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger rotations = new AtomicInteger();
            List<Thread> load = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String first = (String) Http.json(Http.postForm(server.tokenEndpoint(), client.basicHeader(),
                        Map.of("grant_type", "client_credentials"))).get("refresh_token");
                Thread thread = new Thread(() -> {
                    String token = first;
                    while (running.get() && token != null) {
                        token = refresh(server, client, token);
                        rotations.incrementAndGet();
                    }
                });
                thread.start();
                load.add(thread);
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> rotations.get() >= 50);
            Run backedUp = run("backup", "--to", backup.toString(), "--data-dir", server.dataDir().toString());
            running.set(false);
            for (Thread thread : load) {
                thread.join();
            }
            assertThat(backedUp.exit()).as(backedUp.err()).isZero();
            assertThat(backedUp.out()).contains("Keep the master key");

            Run refused = run("restore", "--from", backup.toString(), "--data-dir", server.dataDir().toString());
            assertThat(refused.exit()).as("not under a live server").isNotZero();
            assertThat(refused.err()).contains("Another Latchkey server is running");
            assertThat(run("backup", "--to", backup.toString(), "--data-dir", server.dataDir().toString()).err())
                    .contains("exists already");
            Files.createDirectories(restored);
            Files.copy(server.dataDir().resolve(DataDirectory.MASTER_KEY_FILE),
                    restored.resolve(DataDirectory.MASTER_KEY_FILE));
        }
        Run restoredRun = run("restore", "--from", backup.toString(), "--data-dir", restored.toString());
        assertThat(restoredRun.exit()).as(restoredRun.err()).isZero();

        ServerConfig config = ServerConfig.builder().port(0).dataDir(restored).build();
        try (LatchkeyServer server = LatchkeyServer.start(config, Clock.systemUTC())) {
            for (String token : kept) {
                HttpResponse<String> response = Http.postForm(java.net.URI.create(server.issuer() + "/oauth2/token"),
                        client.basicHeader(), Map.of("grant_type", "refresh_token", "refresh_token", token));
                assertThat(response.statusCode()).as("an acknowledged refresh token works after the restore")
                        .isEqualTo(200);
            }
        }
    }
}
