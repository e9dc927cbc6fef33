package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.cli.Commands;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.ServerProcess;
import dev.latchkey.server.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 16, item 3: a TOML settings file ({@code --config}), below flags and environment variables; an
 * unknown key is an error suggesting the closest valid one; {@code config check} prints the effective
 * settings with where each came from and no secret.
 */
class ConfigFileTest {

    private static final Function<String, String> NO_ENVIRONMENT = name -> null;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Commands.execute(Commands.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)),
                args, NO_ENVIRONMENT);
        return new Run(exit, out.toString(), err.toString());
    }

    private static Path file(Path dir, String toml) throws Exception {
        Path file = dir.resolve("latchkey.toml");
        Files.writeString(file, toml);
        return file;
    }

    @Test
    void theFileSetsWhatNoFlagSetsAndConfigCheckSaysWhereEachValueCameFrom(@TempDir Path dir) throws Exception {
        Path file = file(dir, """
                port = 9123
                max-threads = 64
                issuer = "https://auth.example.com"
                usage-counting = false
                data-dir = "%s"
                """.formatted(dir.resolve("state")));

        Run run = run("config", "check", "--config", file.toString(), "--max-threads", "32");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("port = 9123  # file")
                .contains("issuer = \"https://auth.example.com\"  # file")
                .contains("usage-counting = false  # file")
                .contains("max-threads = 32  # command line")
                .contains("host = \"127.0.0.1\"  # default");
        assertThat(dir.resolve("state")).as("checking creates nothing").doesNotExist();
    }

    @Test
    void aCommandsOwnTableSetsItsOptionsAndWinsOverTheTop(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.startNew(config -> config)) {
            Path file = file(dir, """
                    data-dir = "%s"
                    port = %d
                    name = "from the top"

                    [client.create]
                    name = "from its table"
                    scope = "read write"
                    grant-types = ["client_credentials", "refresh_token"]
                    """.formatted(server.dataDir(), server.server().port()));

            Run run = run("client", "create", "--config", file.toString());

            assertThat(run.exit()).as(run.err()).isZero();
            Map<?, ?> client = new ObjectMapper().readValue(run.out(), Map.class);
            assertThat(client.get("client_name")).isEqualTo("from its table");
            assertThat(client.get("scope")).isEqualTo("read write");
            assertThat(client.get("grant_types")).isEqualTo(List.of("client_credentials", "refresh_token"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "prot = 1|unknown key \"prot\" (did you mean \"port\"?)",
            "max_threads = 8|unknown key \"max_threads\" (did you mean \"max-threads\"?)",
            "zzzzzzzzzzzz = 1|unknown key \"zzzzzzzzzzzz\"",
            "'[serv]\nport = 1'|unknown table [serv] (did you mean \"serve\"?)",
            "'[serve]\nscope = \"x\"'|unknown key \"scope\" in [serve]",
            "config = \"other.toml\"|unknown key \"config\"",
            "port = |is not valid TOML",
            "port = {a = 1}|unknown table [port]",
            "port = [{a = 1}]|port must be a string, number, boolean or list"})
    void aBadFileIsOneLineThatSaysWhatIsWrong(String toml, String expected, @TempDir Path dir) throws Exception {
        Path file = file(dir, toml + "\n");

        Run run = run("serve", "--config", file.toString(), "--data-dir", dir.resolve("state").toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("latchkey: config file " + file).contains(expected);
        assertThat(run.err().lines().count()).as(run.err()).isEqualTo(1);
        assertThat(dir.resolve("state")).as("nothing is created").doesNotExist();
    }

    @Test
    void aMissingFileAndABadValueAreErrorsToo(@TempDir Path dir) throws Exception {
        Run missing = run("serve", "--config", dir.resolve("nope.toml").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("does not exist");

        Run outOfRange = run("config", "check", "--config", file(dir, "port = 70000\n").toString());
        assertThat(outOfRange.exit()).isNotZero();
        assertThat(outOfRange.err()).contains("--port (or LATCHKEY_PORT) must be between 0 and 65535");
    }

    @Test
    void configCheckRedactsThePasswordOfADatabaseUrl(@TempDir Path dir) throws Exception {
        Path file = file(dir, """
                db-url = "jdbc:postgresql://latchkey:hunter2-secret@db.example.com/latchkey?password=hunter3-secret&ssl=true"
                """);

        Run run = run("config", "check", "--config", file.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("db-url = \"jdbc:postgresql://latchkey:****@db.example.com/latchkey?password=****&ssl=true\"")
                .doesNotContain("hunter");
    }

    /** The real environment, in a process of its own: flags, then environment, then the file. */
    @Test
    void theEnvironmentWinsOverTheFileAndNamesTheFileItself(@TempDir Path dir) throws Exception {
        Path file = file(dir, """
                port = 9001
                max-threads = 40
                change-poll-ms = 700
                """);
        try (ServerProcess check = ServerProcess.start(Map.of(
                "LATCHKEY_CONFIG", file.toString(),
                "LATCHKEY_MAX_THREADS", "48",
                "LATCHKEY_MASTER_KEY", "this-master-key-must-never-be-printed"),
                "config", "check", "--change-poll-ms", "900")) {
            assertThat(check.process().waitFor()).as(String.join("\n", check.output())).isZero();
            check.awaitLine("LATCHKEY_MASTER_KEY", Duration.ofSeconds(10));
            String output = String.join("\n", check.output());
            assertThat(output).contains("port = 9001  # file")
                    .contains("max-threads = 48  # environment LATCHKEY_MAX_THREADS")
                    .contains("change-poll-ms = 900  # command line")
                    .contains("# master key: from LATCHKEY_MASTER_KEY (redacted)")
                    .doesNotContain("this-master-key-must-never-be-printed");
        }
    }

    @Test
    void serveRunsWithTheFilesSettings(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path file = file(dir, """
                port = %d
                data-dir = "%s"
                issuer = "http://localhost:%d/from-file"
                """.formatted(port, dir.resolve("state"), port));
        try (ServerProcess server = ServerProcess.start(Map.of(), "serve", "--config", file.toString())) {
            server.awaitLine("Latchkey listening on http://127.0.0.1:" + port, Duration.ofSeconds(30));

            assertThat(Http.json(Http.get(URI.create("http://127.0.0.1:" + port
                    + "/.well-known/oauth-authorization-server/from-file"))))
                    .containsEntry("issuer", "http://localhost:" + port + "/from-file");
            assertThat(dir.resolve("state").resolve("latchkey.db")).exists();
        }
    }
}
