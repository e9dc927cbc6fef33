package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.latchkey.server.cli.Commands;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.OAuth;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, command line: client list, show, delete, secret add|expire|revoke, revoke-tokens, keys
 * list and admin create, against the data directory of a running server, which sees every change.
 * Only {@code serve} makes an installation.
 */
class ManagementCommandsTest {

    /** What a command printed and how it ended. */
    private record Run(int exit, String out, String err) {
        Map<String, Object> json() {
            return Http.json(out);
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Commands.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static Run on(TestServer server, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", server.dataDir().toString(), "--port", String.valueOf(server.server().port())));
        return run(all.toArray(String[]::new));
    }

    private static boolean authenticates(TestServer server, String clientId, String secret) throws Exception {
        return OAuth.token(server, new TestClient(clientId, secret, null, Map.of()),
                new com.nimbusds.oauth2.sdk.ClientCredentialsGrant(), null).indicatesSuccess();
    }

    @Test
    void aDataDirectoryWithoutAnInstallationIsRefusedAndLeftAsItWas(@TempDir Path dir) throws Exception {
        Path typo = dir.resolve("latchkey-dta");
        Run missing = run("client", "list", "--data-dir", typo.toString());
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("does not exist").contains("only `serve` creates one");
        assertThat(typo).doesNotExist();

        Path empty = Files.createDirectory(dir.resolve("empty"));
        for (String[] command : List.of(new String[] {"client", "create", "--scope", "read"},
                new String[] {"keys", "list"}, new String[] {"keys", "rotate"}, new String[] {"client", "show", "x"})) {
            List<String> args = new ArrayList<>(List.of(command));
            args.addAll(List.of("--data-dir", empty.toString()));
            Run refused = run(args.toArray(String[]::new));
            assertThat(refused.exit()).as(String.join(" ", command)).isNotZero();
            assertThat(refused.err()).contains("holds no database");
        }
        try (var files = Files.list(empty)) {
            assertThat(files).as("no master key, no database, no initial access token").isEmpty();
        }
    }

    @Test
    void clientCommandsChangeWhatTheRunningServerAccepts() throws Exception {
        try (TestServer server = TestServer.startNew(config -> config)) {
            Run created = on(server, "client", "create", "--name", "cli app", "--scope", "read");
            assertThat(created.exit()).as(created.err()).isZero();
            String clientId = (String) created.json().get("client_id");
            String first = (String) created.json().get("client_secret");

            assertThat(on(server, "client", "list").out()).contains(clientId).contains("cli app");
            assertThat(on(server, "client", "list", "--search", "CLI").out()).contains(clientId);
            assertThat(on(server, "client", "list", "--search", "nothing-like-it").out()).doesNotContain(clientId);

            Run added = on(server, "client", "secret", "add", clientId, "--name", "second");
            assertThat(added.exit()).as(added.err()).isZero();
            String second = (String) added.json().get("client_secret");
            assertThat(authenticates(server, clientId, second)).isTrue();

            Map<String, Object> shown = on(server, "client", "show", clientId).json();
            assertThat(shown).containsEntry("client_id", clientId).containsEntry("status", "active");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> secrets = (List<Map<String, Object>>) shown.get("secrets");
            assertThat(secrets).hasSize(2).allSatisfy(secret -> assertThat(secret).doesNotContainKey("client_secret"));
            assertThat(on(server, "client", "show", clientId).out()).doesNotContain(first).doesNotContain(second);
            String firstId = (String) secrets.stream().filter(s -> s.get("name").equals("default")).findFirst()
                    .orElseThrow().get("secret_id");

            // The server's clock is the test's (it stands still): expire the secret a second before it.
            assertThat(on(server, "client", "secret", "expire", clientId, firstId, "--at",
                    String.valueOf(server.clock().instant().getEpochSecond() - 1)).exit()).isZero();
            await().atMost(Duration.ofSeconds(5)).until(() -> !authenticates(server, clientId, first));
            assertThat(authenticates(server, clientId, second)).isTrue();

            String jwt = OAuth.clientCredentials(server, new TestClient(clientId, second, null, Map.of()))
                    .getTokens().getAccessToken().getValue();
            assertThat(on(server, "client", "revoke-tokens", clientId).exit()).isZero();
            await().atMost(Duration.ofSeconds(5)).until(() -> !OAuth.introspect(server,
                    new TestClient(clientId, second, null, Map.of()), jwt).isActive());

            String secondId = (String) added.json().get("secret_id");
            assertThat(on(server, "client", "secret", "revoke", clientId, secondId).exit()).isZero();
            await().atMost(Duration.ofSeconds(5)).until(() -> !authenticates(server, clientId, second));

            assertThat(on(server, "client", "delete", clientId).exit()).isZero();
            Run gone = on(server, "client", "show", clientId);
            assertThat(gone.exit()).isNotZero();
            assertThat(gone.err()).contains("client not found");
            var audit = server.server().assembly().stores().audit().list(dev.latchkey.core.audit.AuditQuery.latest(20));
            assertThat(audit).extracting(e -> e.action()).containsSubsequence("client.delete",
                    "client.secret.revoke", "client.tokens.revoke", "client.secret.expire", "client.secret.add",
                    "client.create");
            assertThat(audit).filteredOn(e -> e.targetId().equals(clientId)).allSatisfy(e ->
                    assertThat(e.actor()).isEqualTo("cli"));
        }
    }

    @Test
    void keysListShowsTheSigningKeyAndAdminCreateReadsThePasswordFromStandardInput() throws Exception {
        try (TestServer server = TestServer.startNew(config -> config)) {
            Run keys = on(server, "keys", "list");
            assertThat(keys.exit()).as(keys.err()).isZero();
            assertThat(keys.out()).contains("EdDSA").contains("current").contains("published");

            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            var commandLine = Commands.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
            var create = commandLine.getSubcommands().get("admin").getSubcommands().get("create");
            setInput(create.getCommand(), "a long admin password\n");
            int exit = commandLine.execute("admin", "create", "--username", "ops", "--password-stdin",
                    "--data-dir", server.dataDir().toString());
            assertThat(exit).as(err.toString()).isZero();
            assertThat(out.toString()).contains("Created admin ops");
            assertThat(server.server().assembly().accountManagement()
                    .signIn("ops", "a long admin password".toCharArray(), null).account().isAdmin()).isTrue();

            var again = Commands.commandLine().setErr(new PrintWriter(err));
            setInput(again.getSubcommands().get("admin").getSubcommands().get("create").getCommand(), "short\n");
            assertThat(again.execute("admin", "create", "--username", "weak", "--password-stdin",
                    "--data-dir", server.dataDir().toString())).isNotZero();
            assertThat(err.toString()).contains("a password is 12 to 256 characters");

            // An end user, the same way (issue 15): signs in at the authorization endpoint, not the dashboard.
            var users = Commands.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
            setInput(users.getSubcommands().get("user").getSubcommands().get("create").getCommand(),
                    "a long user password\n");
            assertThat(users.execute("user", "create", "--username", "ursula", "--password-stdin",
                    "--data-dir", server.dataDir().toString())).as(err.toString()).isZero();
            assertThat(out.toString()).contains("Created user ursula");
            var accounts = server.server().assembly().accountManagement();
            assertThat(accounts.signIn("ursula", "a long user password".toCharArray(), null,
                    role -> role == dev.latchkey.core.account.Role.USER).account().role())
                    .isEqualTo(dev.latchkey.core.account.Role.USER);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> accounts.signIn("ursula",
                    "a long user password".toCharArray(), "10.0.0.9")).as("not on the dashboard")
                    .isInstanceOf(dev.latchkey.core.manage.AccountManagement.SignInRefused.class);
        }
    }

    @Test
    void auditExportWritesTheLogAsJsonLinesOrCsvSinceATime() throws Exception {
        try (TestServer server = TestServer.startNew(config -> config)) {
            Instant start = Instant.now().minusSeconds(1);
            Run created = on(server, "client", "create", "--scope", "read");
            assertThat(created.exit()).as(created.err()).isZero();
            String clientId = (String) created.json().get("client_id");
            on(server, "client", "delete", clientId);

            Run jsonl = on(server, "audit", "export", "--since", start.toString());
            assertThat(jsonl.exit()).as(jsonl.err()).isZero();
            List<Map<String, Object>> events = jsonl.out().lines().map(Http::json).toList();
            assertThat(events).extracting(event -> event.get("action")).contains("client.create", "client.delete");
            assertThat(jsonl.out()).doesNotContain((String) created.json().get("client_secret"));

            Run csv = on(server, "audit", "export", "--format", "csv", "--action", "client.delete");
            assertThat(csv.out().lines().findFirst()).contains("time,actor,action,target_kind,target_id,source,before,after");
            assertThat(csv.out().lines().skip(1)).hasSize(1).allMatch(line -> line.contains("client.delete")
                    && line.contains(clientId));
            assertThat(on(server, "audit", "export", "--since", Instant.now().plusSeconds(60).toString()).out())
                    .as("nothing after the future").isEmpty();
            assertThat(on(server, "audit", "export", "--format", "xml").err()).contains("jsonl or csv");
        }
    }

    private static void setInput(Object command, String text) throws Exception {
        Class<?> type = command.getClass();
        while (java.util.Arrays.stream(type.getDeclaredFields()).noneMatch(f -> f.getName().equals("in"))) {
            type = type.getSuperclass();
        }
        var field = type.getDeclaredField("in");
        field.setAccessible(true);
        field.set(command, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }
}
