package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.cli.Commands;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 16, item 2: a bad setting is one line that names the option (and its variable), with a hint
 * to --help, and nothing is created; the issuer is a URL without query or fragment, never derived
 * from a wildcard host; an issuer with a path has its metadata at the RFC 8414 §3.1 location.
 */
class ConfigurationErrorsTest {

    private record Run(int exit, String err) {
    }

    private static Run serve(Path dir, String... args) {
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("serve", "--data-dir", dir.resolve("data").toString()));
        all.addAll(List.of(args));
        int exit = Commands.commandLine().setErr(new PrintWriter(err)).execute(all.toArray(String[]::new));
        return new Run(exit, err.toString());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "--port|abc|'--port'",
            "--port|70000|--port (or LATCHKEY_PORT) must be between 0 and 65535",
            "--change-poll-ms|0|--change-poll-ms (or LATCHKEY_CHANGE_POLL_MS) must be between",
            "--max-threads|0|--max-threads (or LATCHKEY_MAX_THREADS) must be between",
            "--max-access-token-ttl|0|--max-access-token-ttl (or LATCHKEY_MAX_ACCESS_TOKEN_TTL) must be between",
            "--device-code-ttl|5|--device-code-ttl (or LATCHKEY_DEVICE_CODE_TTL) must be between",
            "--issuer|not a url|--issuer (LATCHKEY_ISSUER)",
            "--issuer|ftp://x|must be an absolute https (or http) URL",
            "--issuer|https://auth.example.com?x=1|must have no query or fragment",
            "--host|0.0.0.0|set --issuer (LATCHKEY_ISSUER) to the URL clients reach this server at",
            "--log-level|LOUD|--log-level (or LATCHKEY_LOG_LEVEL) must be one of ERROR, WARN, INFO, DEBUG, TRACE",
            "--log-format|xml|--log-format (or LATCHKEY_LOG_FORMAT) must be text or json",
            "--audit-retention-days|0|--audit-retention-days (or LATCHKEY_AUDIT_RETENTION_DAYS) must be between",
            "--tls-cert|cert.pem|--tls-cert and --tls-key (or LATCHKEY_TLS_CERT and LATCHKEY_TLS_KEY) go together",
            "--otel-sample-ratio|1.5|--otel-sample-ratio (or LATCHKEY_OTEL_SAMPLE_RATIO) must be between 0 and 1",
            "--otel-endpoint|grpc://collector|--otel-endpoint (or LATCHKEY_OTEL_ENDPOINT) must be an http(s) URL",
            "--metrics-client-limit|-1|--metrics-client-limit (or LATCHKEY_METRICS_CLIENT_LIMIT) must be between",
            "--management-port|70000|--management-port (or LATCHKEY_MANAGEMENT_PORT) must be between"})
    void aBadSettingIsOneLineNamingItAndCreatesNothing(String option, String value, String expected,
            @TempDir Path dir) {
        Run run = serve(dir, option, value);
        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains(expected);
        assertThat(run.err().lines().count()).as(run.err()).isLessThanOrEqualTo(2);
        assertThat(Files.exists(dir.resolve("data"))).as("nothing is created").isFalse();
    }

    @Test
    void aFederationFileThatCannotBeReadOrTrustsTooMuchStopsTheStartNamingTheMember(@TempDir Path dir)
            throws Exception {
        Run missing = serve(dir, "--federation", dir.resolve("missing.json").toString());
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("--federation (or LATCHKEY_FEDERATION): cannot read");

        Path file = dir.resolve("federation.json");
        Files.writeString(file, "{\"issuers\": [{\"issuer\": \"https://ci.example\", \"jwks_uri\":"
                + " \"https://ci.example/jwks\", \"rules\": [{\"client_id\": \"deployer\", \"claims\": {}}]}]}");
        Run tooWide = serve(dir, "--federation", file.toString());
        assertThat(tooWide.exit()).isNotZero();
        assertThat(tooWide.err()).contains("--federation " + file + ": issuers[0].rules[0].claims: name at least one claim");
        assertThat(tooWide.err().lines().count()).as(tooWide.err()).isLessThanOrEqualTo(2);

        Files.writeString(file, "{\"issuers\": [], \"issuers\": []}");
        assertThat(serve(dir, "--federation", file.toString()).err()).as("a member given twice").contains("issuers");
        assertThat(Files.exists(dir.resolve("data"))).as("nothing is created").isFalse();
    }

    @Test
    void theLogLevelOptionSetsLatchkeysLevel(@TempDir Path dir) {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.classic.Level before = root.getLevel();
        try {
            Run run = serve(dir, "--log-level", "error", "--port", "99999");
            assertThat(run.exit()).isNotZero(); // stopped by the port, after the level was applied
            assertThat(root.getLevel()).isEqualTo(ch.qos.logback.classic.Level.ERROR);
        } finally {
            root.setLevel(before);
        }
    }

    @Test
    void versionAndHelpAreCommandsToo() {
        StringWriter out = new StringWriter();
        assertThat(Commands.commandLine().setOut(new PrintWriter(out)).execute("version")).isZero();
        assertThat(out.toString()).startsWith("Latchkey ");
        StringWriter help = new StringWriter();
        assertThat(Commands.commandLine().setOut(new PrintWriter(help)).execute("help", "backup")).isZero();
        assertThat(help.toString()).contains("--to");
    }

    @Test
    void aUsageErrorHintsAtHelp(@TempDir Path dir) {
        Run run = serve(dir, "--no-such-option");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown option").contains("Try 'latchkey serve --help'");
    }

    @Test
    void anIssuerWithAPathHasItsMetadataAtTheRfc8414Location() throws Exception {
        try (TestServer server = TestServer.startNew(config -> config.toBuilder()
                .issuer("https://auth.example.com/tenant-a/").build())) {
            HttpResponse<String> metadata = Http.get(server.uri("/.well-known/oauth-authorization-server/tenant-a"));
            assertThat(metadata.statusCode()).isEqualTo(200);
            assertThat(Http.json(metadata)).containsEntry("issuer", "https://auth.example.com/tenant-a")
                    .containsEntry("token_endpoint", "https://auth.example.com/tenant-a/oauth2/token");
        }
    }
}
