package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import dev.latchkey.core.audit.AuditQuery;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.server.cli.Commands;
import dev.latchkey.server.testing.OAuth;
import dev.latchkey.server.testing.ServerProcess;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 16, item 4: {@code latchkey apply -f} creates and updates APIs and clients from a file,
 * idempotently; {@code --dry-run} prints the difference; {@code --prune} removes only what an earlier
 * apply created; secrets are references or generated and printed once.
 */
class ApplyTest {

    private static final String SECRET = "reporting-secret-kept-in-a-vault-0123456789";

    private record Run(int exit, String out, String err) {
    }

    private static Run apply(TestServer server, Path file, String... extra) {
        List<String> args = new ArrayList<>(List.of("apply", "-f", file.toString(), "--data-dir",
                server.dataDir().toString(), "--port", String.valueOf(server.server().port())));
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Commands.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private static Path write(Path dir, String toml) throws Exception {
        Path file = dir.resolve("clients.toml");
        Files.writeString(file, toml);
        return file;
    }

    private static String file(String reportingScope, String reportingName, boolean withBatch) {
        return """
                [apis.billing]
                name = "Billing API"
                identifier = "https://api.example.com/billing"
                description = "Invoices"
                scopes = [
                  { value = "billing:read", description = "Read invoices" },
                  { value = "billing:write", description = "Create invoices", restricted = true },
                ]

                [clients.reporting]
                client_name = "%s"
                scope = "%s"
                access_token_ttl = 600
                secret = { file = "reporting.secret" }
                """.formatted(reportingName, reportingScope) + (withBatch ? """

                [clients.batch]
                client_name = "Nightly batch"
                grant_types = ["client_credentials", "refresh_token"]
                scope = "billing:write"
                """ : "");
    }

    private static long auditEntries(TestServer server) {
        return server.server().assembly().stores().audit()
                .list(AuditQuery.latest(1000)).size();
    }

    private static String idOf(String output, String client) {
        Matcher matcher = Pattern.compile("client " + client + " \\((cli_[^)]+|[^)]+)\\)").matcher(output);
        assertThat(matcher.find()).as(output).isTrue();
        return matcher.group(1);
    }

    private static Optional<RegisteredClient> client(TestServer server, String clientId) {
        return server.server().assembly().stores().clients().find(clientId);
    }

    @Test
    void theSameFileTwiceChangesNothingTheSecondTime(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.startNew(config -> config)) {
            Files.writeString(dir.resolve("reporting.secret"), SECRET + "\n");
            Path file = write(dir, file("billing:read", "Reporting", true));

            Run first = apply(server, file);

            assertThat(first.exit()).as(first.err()).isZero();
            assertThat(first.out()).contains("+ api billing (api_").contains("+ client reporting (")
                    .contains("+ client batch (").contains("3 changed.");
            String reporting = idOf(first.out(), "reporting");
            String batch = idOf(first.out(), "batch");
            assertThat(first.out()).as("a generated secret is printed once, a referenced one never")
                    .containsOnlyOnce("client_secret: ").doesNotContain(SECRET);
            // The referenced secret authenticates; the client may ask tokens for the catalogue's API.
            AccessTokenResponse token = OAuth.token(server, new TestClient(reporting, SECRET, null, Map.of()),
                    new ClientCredentialsGrant(), new Scope("billing:read")).toSuccessResponse();
            assertThat(token.getTokens().getAccessToken().getLifetime()).isEqualTo(600);
            assertThat(SignedJWT.parse(token.getTokens().getAccessToken().getValue()).getJWTClaimsSet()
                    .getStringClaim("scope")).isEqualTo("billing:read");
            assertThat(client(server, reporting).orElseThrow().metadata().resources())
                    .containsExactly(java.net.URI.create("https://api.example.com/billing"));
            String generated = first.out().lines().filter(line -> line.contains("client_secret: ")).findFirst()
                    .orElseThrow().replaceAll(".*client_secret: (\\S+).*", "$1");
            assertThat(OAuth.token(server, new TestClient(batch, generated, null, Map.of()),
                    new ClientCredentialsGrant(), null).indicatesSuccess()).isTrue();
            long entries = auditEntries(server);

            Run second = apply(server, file);

            assertThat(second.exit()).as(second.err()).isZero();
            assertThat(second.out()).contains("= api billing").contains("= client reporting (" + reporting + ")")
                    .contains("= client batch (" + batch + ")").contains("Nothing to change.")
                    .doesNotContain("client_secret");
            assertThat(auditEntries(server)).as("no write at all").isEqualTo(entries);
        }
    }

    @Test
    void aDryRunPrintsTheDifferenceAndChangesNothingThenApplyChangesOnlyThat(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.startNew(config -> config)) {
            Files.writeString(dir.resolve("reporting.secret"), SECRET);
            Run first = apply(server, write(dir, file("billing:read", "Reporting", false)));
            String reporting = idOf(first.out(), "reporting");
            Path changed = write(dir, file("billing:read billing:write", "Reporting v2", false));

            Run dry = apply(server, changed, "--dry-run");

            assertThat(dry.exit()).as(dry.err()).isZero();
            assertThat(dry.out()).contains("# dry run: nothing was changed")
                    .contains("~ client reporting (" + reporting + ") would change")
                    .contains("client_name: \"Reporting\" -> \"Reporting v2\"")
                    .contains("scope: \"billing:read\" -> \"billing:read billing:write\"")
                    .contains("= api billing").contains("1 to change.");
            assertThat(client(server, reporting).orElseThrow().metadata().clientName()).isEqualTo("Reporting");

            Run real = apply(server, changed);

            assertThat(real.out()).contains("~ client reporting (" + reporting + ") changed").contains("1 changed.");
            RegisteredClient after = client(server, reporting).orElseThrow();
            assertThat(after.metadata().clientName()).isEqualTo("Reporting v2");
            assertThat(after.metadata().scope().values()).containsExactlyInAnyOrder("billing:read", "billing:write");
            assertThat(apply(server, changed).out()).contains("Nothing to change.");

            // A new secret in the vault replaces the old one: the file is the truth.
            String rotated = SECRET + "-rotated";
            Files.writeString(dir.resolve("reporting.secret"), rotated);
            assertThat(apply(server, changed).out()).contains("secret: replaced by the file's");
            assertThat(OAuth.token(server, new TestClient(reporting, rotated, null, Map.of()),
                    new ClientCredentialsGrant(), null).indicatesSuccess()).isTrue();
            assertThat(OAuth.token(server, new TestClient(reporting, SECRET, null, Map.of()),
                    new ClientCredentialsGrant(), null).indicatesSuccess()).isFalse();
        }
    }

    @Test
    void pruneRemovesOnlyWhatAnEarlierApplyCreated(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.startNew(config -> config)) {
            Files.writeString(dir.resolve("reporting.secret"), SECRET);
            Run first = apply(server, write(dir, file("billing:read", "Reporting", true)));
            String batch = idOf(first.out(), "batch");
            String byHand = server.register(Map.of("client_name", "made by hand")).id();
            Path smaller = write(dir, file("billing:read", "Reporting", false));

            Run kept = apply(server, smaller);

            assertThat(kept.out()).contains("! client batch (" + batch + ") is no longer in the file; kept");
            assertThat(client(server, batch)).isPresent();

            Run pruned = apply(server, smaller, "--prune");

            assertThat(pruned.out()).contains("- client batch (" + batch + ") deleted").contains("1 changed.");
            assertThat(client(server, batch)).isEmpty();
            assertThat(client(server, byHand)).as("never created by apply: never pruned").isPresent();
            assertThat(apply(server, smaller, "--prune").out()).contains("Nothing to change.");

            // An empty file with --prune takes away everything apply made, APIs included.
            Run everything = apply(server, write(dir, ""), "--prune");
            assertThat(everything.out()).contains("- client reporting").contains("- api billing");
            assertThat(server.server().assembly().catalogueManagement().snapshot().apis()).isEmpty();
            assertThat(client(server, byHand)).isPresent();
        }
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "'[clients.a]\nclient_nme = \"x\"'|[clients.a] unknown key \"client_nme\" (did you mean \"client_name\"?)",
            "'[client.a]\nclient_name = \"x\"'|unknown key \"client\" (did you mean \"clients\"?)",
            "'[clients.a]\nsecret = \"" + SECRET + "\"'|secret must be a reference, { env = \"NAME\" } or { file = \"path\" }",
            "'[clients.a]\nsecret = { env = \"LATCHKEY_TEST_UNSET_VARIABLE\" }'|which is not set",
            "'[clients.a]\nsecret = { file = \"short.secret\" }'|secret must be 32 to 512 characters long",
            "'[clients.a]\nscope = 7'|scope must be a string",
            "'[apis.x]\nname = \"X\"'|[apis.x] identifier is required",
            "'[apis.x]\nname = \"X\"\nidentifier = \"https://x.example\"\nscopes = [{ value = \"x\", restricted = \"yes\" }]'|restricted must be true or false",
            "'[clients.a]\ntoken_endpoint_auth_method = \"none\"\ngrant_types = [\"authorization_code\"]\nredirect_uris = [\"https://a.example/cb\"]\nsecret = { file = \"long.secret\" }'|is public",
            "'[clients.a'|is not valid TOML"})
    void aBadFileChangesNothingAndSaysWhatIsWrong(String toml, String expected, @TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.startNew(config -> config)) {
            Files.writeString(dir.resolve("short.secret"), "too-short");
            Files.writeString(dir.resolve("long.secret"), SECRET);
            Path file = write(dir, "[apis.first]\nname = \"First\"\nidentifier = \"https://first.example\"\n\n" + toml + "\n");
            long entries = auditEntries(server);

            Run run = apply(server, file);

            assertThat(run.exit()).isNotZero();
            assertThat(run.err()).contains(expected);
            assertThat(run.err().lines().count()).as(run.err()).isEqualTo(1);
            assertThat(auditEntries(server)).as("nothing changed").isEqualTo(entries);
        }
    }

    /** The environment reference, read from the real environment of a process of its own. */
    @Test
    void aSecretCanComeFromAnEnvironmentVariable(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.startNew(config -> config)) {
            Path file = write(dir, """
                    [clients.env]
                    client_name = "from the environment"
                    secret = { env = "REPORTING_SECRET" }
                    """);
            try (ServerProcess apply = ServerProcess.start(Map.of("REPORTING_SECRET", SECRET), "apply", "-f",
                    file.toString(), "--data-dir", server.dataDir().toString(), "--port",
                    String.valueOf(server.server().port()))) {
                String created = apply.awaitLine("+ client env (", Duration.ofSeconds(30));
                assertThat(apply.process().waitFor()).isZero();
                String clientId = created.replaceAll(".*\\((\\S+)\\).*", "$1");
                assertThat(String.join("\n", apply.output())).doesNotContain(SECRET);
                assertThat(OAuth.token(server, new TestClient(clientId, SECRET, null, Map.of()),
                        new ClientCredentialsGrant(), null).indicatesSuccess()).isTrue();
            }
        }
    }
}
