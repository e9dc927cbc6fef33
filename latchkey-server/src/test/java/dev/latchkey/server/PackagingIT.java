package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.latchkey.server.testing.Http;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, item 10: what ships works. Runs in {@code mvn verify} after the jar, {@code packaging/build.sh}
 * (the jlink runtime) and Jib (the image tarball) were built: the runtime serves tokens with no system
 * JDK on the PATH; the systemd unit passes {@code systemd-analyze verify}; the image, loaded into
 * Debian's podman, runs as a user that is not root and issues a token.
 */
class PackagingIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path DIST = ROOT.resolve("latchkey-server/target/dist");
    private static final String INITIAL = "packaging-initial-token-0123456789abcdef";

    private record Ran(int exit, String output) {
    }

    private static Ran run(Map<String, String> environment, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as(String.join(" ", command)).isTrue();
        return new Ran(process.exitValue(), output);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Registers a client with the initial access token and gets a token for it: the server works. */
    private static void issuesAToken(int port) {
        String base = "http://127.0.0.1:" + port;
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> Http.get(URI.create(base + "/health/ready")).statusCode() == 200);
        Map<String, Object> client = Http.json(Http.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/register"))
                .header("Authorization", "Bearer " + INITIAL).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"scope\":\"read\"}")).build()));
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(
                (client.get("client_id") + ":" + client.get("client_secret")).getBytes(StandardCharsets.UTF_8));
        var token = Http.postForm(URI.create(base + "/oauth2/token"), basic, Map.of("grant_type", "client_credentials"));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        assertThat(Http.json(token)).containsKey("access_token");
    }

    @Test
    void theJlinkRuntimeServesWithoutAJdkOnThePath(@TempDir Path dir) throws Exception {
        Path launcher = DIST.resolve("latchkey/bin/latchkey");
        assertThat(launcher).isExecutable();
        assertThat(DIST.resolve("latchkey-0.1.0-linux-x64.tar.gz")).exists();
        assertThat(DIST.resolve("latchkey/runtime/bin/jlink")).as("a runtime, not a JDK").doesNotExist();
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "serve").redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile());
        builder.environment().clear();
        builder.environment().putAll(Map.of("PATH", "/usr/bin:/bin", "LATCHKEY_PORT", String.valueOf(port),
                "LATCHKEY_DATA_DIR", dir.resolve("data").toString(), "LATCHKEY_INITIAL_ACCESS_TOKEN", INITIAL));
        Process server = builder.start();
        try {
            issuesAToken(port);
            assertThat(Files.readString(dir.resolve("server.log"))).contains("Latchkey listening on");
        } finally {
            server.destroy();
            server.waitFor(15, TimeUnit.SECONDS);
        }
    }

    @Test
    void theServiceUnitPassesSystemdAnalyzeVerify(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")) || System.getenv("CI") != null,
                "systemd-analyze is not installed");
        // The unit names /opt/latchkey; verify checks that ExecStart exists, so point it at the built one.
        String unit = Files.readString(ROOT.resolve("packaging/latchkey.service"))
                .replace("/opt/latchkey/bin/latchkey", DIST.resolve("latchkey/bin/latchkey").toString());
        Path copy = dir.resolve("latchkey.service");
        Files.writeString(copy, unit);

        Ran verify = run(Map.of(), "systemd-analyze", "verify", copy.toString());

        assertThat(verify.exit()).as(verify.output()).isZero();
        assertThat(verify.output()).as("no warning either").isBlank();
        assertThat(unit).contains("DynamicUser=yes", "StateDirectory=latchkey", "ProtectSystem=strict",
                "NoNewPrivileges=yes");
    }

    @Test
    void theImageRunsAsAUserOtherThanRootAndIssuesAToken() throws Exception {
        Path image = ROOT.resolve("latchkey-server/target/jib-image.tar");
        assertThat(image).exists();
        boolean podman = Files.isExecutable(Path.of("/usr/bin/podman")) && Files.isExecutable(Path.of("/usr/bin/runc"));
        Assumptions.assumeTrue(podman || System.getenv("CI") != null, "podman and runc are not installed");
        Ran loaded = run(Map.of(), "podman", "load", "-q", "-i", image.toString());
        assertThat(loaded.exit()).as(loaded.output()).isZero();
        String name = "latchkey-it-" + ProcessHandle.current().pid();
        int port = freePort();
        // runc, and limits no higher than this machine's: crun refuses its cgroup mode and raising limits here.
        List<String> command = new ArrayList<>(List.of("podman", "--runtime", "runc", "run", "-d", "--name", name,
                "--network", "host", "--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096",
                "-e", "LATCHKEY_PORT=" + port, "-e", "LATCHKEY_ISSUER=http://127.0.0.1:" + port,
                "-e", "LATCHKEY_INITIAL_ACCESS_TOKEN=" + INITIAL, "localhost/latchkey:0.1.0-SNAPSHOT"));
        Ran started = run(Map.of(), command.toArray(String[]::new));
        assertThat(started.exit()).as(started.output()).isZero();
        try {
            issuesAToken(port);
            Ran user = run(Map.of(), "podman", "top", name, "user", "huser");
            assertThat(user.output()).as("runs as latchkey (65532), not root").contains("latchkey")
                    .doesNotContainPattern("(?m)^root\\b");
        } finally {
            run(Map.of(), "podman", "rm", "-f", name);
        }
    }
}
