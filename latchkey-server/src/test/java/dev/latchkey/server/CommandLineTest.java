package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.cli.Commands;
import dev.latchkey.server.config.DataDirectory;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.OAuth;
import dev.latchkey.server.testing.ServerProcess;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {

    @Test
    void clientCreatePrintsAClientThatTheRunningServerAccepts() throws Exception {
        try (TestServer server = TestServer.startNew(config -> config)) {
            StringWriter out = new StringWriter();
            int exit = Commands.commandLine().setOut(new PrintWriter(out)).execute("client", "create",
                    "--scope", "read write", "--grant-types", "client_credentials,refresh_token",
                    "--data-dir", server.dataDir().toString(), "--port", String.valueOf(server.server().port()));

            assertThat(exit).isZero();
            Map<String, Object> created = Http.json(out.toString());
            assertThat(created).containsKeys("client_id", "client_secret", "registration_access_token")
                    .containsEntry("scope", "read write")
                    .containsEntry("registration_client_uri", server.issuer() + "/oauth2/register/" + created.get("client_id"));
            TestClient client = new TestClient((String) created.get("client_id"), (String) created.get("client_secret"),
                    null, created);
            var tokens = OAuth.clientCredentials(server, client).getTokens();
            assertThat(tokens.getAccessToken().getScope().toString()).isEqualTo("read write");
            assertThat(tokens.getRefreshToken()).isNotNull();
        }
    }

    @Test
    void clientCreateWithInvalidMetadataFailsWithAMessage(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        int exit = Commands.commandLine().setErr(new PrintWriter(err)).execute("client", "create",
                "--grant-types", "password", "--data-dir", dir.toString());

        assertThat(exit).isNotZero();
        assertThat(err.toString()).contains("invalid_client_metadata").contains("grant_types");
    }

    @Test
    void generatedSecretsAreFilesOnlyTheOwnerCanRead() throws Exception {
        try (TestServer server = TestServer.startNew(config -> config.withInitialAccessToken(null))) {
            Path tokenFile = server.dataDir().resolve(DataDirectory.INITIAL_ACCESS_TOKEN_FILE);
            Path keyFile = server.dataDir().resolve(DataDirectory.MASTER_KEY_FILE);

            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
            var response = Http.send(HttpRequest.newBuilder(server.uri("/oauth2/register"))
                    .header("Authorization", "Bearer " + Files.readString(tokenFile).trim())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"scope\":\"read\"}")).build());
            assertThat(response.statusCode()).isEqualTo(201);
        }
    }

    @Test
    void serveTakesItsSettingsFromTheEnvironmentAndPrintsWhereItListens(@TempDir Path dir) throws Exception {
        int port = freePort();
        Path dataDir = dir.resolve("state");
        String issuer = "http://localhost:" + port + "/tenant";
        try (ServerProcess process = ServerProcess.start(Map.of(
                "LATCHKEY_PORT", String.valueOf(port),
                "LATCHKEY_DATA_DIR", dataDir.toString(),
                "LATCHKEY_ISSUER", issuer,
                "LATCHKEY_INITIAL_ACCESS_TOKEN", "env-initial-token-abcdefghijklmnopqrstuvwxyz"), "serve")) {
            String listening = process.awaitLine("Latchkey listening on", Duration.ofSeconds(30));

            assertThat(listening).contains("http://127.0.0.1:" + port).contains(issuer);
            var metadata = Http.json(Http.get(URI.create("http://127.0.0.1:" + port + "/.well-known/oauth-authorization-server")));
            assertThat(metadata).containsEntry("issuer", issuer)
                    .containsEntry("token_endpoint", issuer + "/oauth2/token");
            assertThat(dataDir.resolve("latchkey.db")).exists();
            assertThat(dataDir.resolve(DataDirectory.INITIAL_ACCESS_TOKEN_FILE))
                    .as("the environment's initial access token is used, no file written").doesNotExist();
            var registered = Http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/oauth2/register"))
                    .header("Authorization", "Bearer env-initial-token-abcdefghijklmnopqrstuvwxyz")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
            assertThat(registered.statusCode()).isEqualTo(201);
            assertThat(process.stop()).as("SIGTERM stops it cleanly").isIn(0, 143);
        }
    }

    @Test
    void commandLineOptionsOverrideTheEnvironment(@TempDir Path dir) throws Exception {
        int envPort = freePort();
        int optionPort = freePort();
        try (ServerProcess process = ServerProcess.start(Map.of("LATCHKEY_PORT", String.valueOf(envPort),
                "LATCHKEY_DATA_DIR", dir.resolve("env").toString()),
                "serve", "--port", String.valueOf(optionPort), "--data-dir", dir.resolve("option").toString())) {
            process.awaitLine("Latchkey listening on http://127.0.0.1:" + optionPort, Duration.ofSeconds(30));

            assertThat(Http.json(Http.get(URI.create("http://127.0.0.1:" + optionPort + "/.well-known/oauth-authorization-server"))))
                    .containsEntry("issuer", "http://127.0.0.1:" + optionPort);
            assertThat(dir.resolve("option").resolve(DataDirectory.INITIAL_ACCESS_TOKEN_FILE)).exists();
            assertThat(dir.resolve("env")).doesNotExist();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
