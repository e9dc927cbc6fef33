package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.server.cli.Commands;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.OAuth;
import dev.latchkey.server.testing.ServerProcess;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, item 5: the security-relevant events reach the audit table and, with {@code --audit-log},
 * a file (or standard output) as JSON lines: nothing lost across a restart, nothing written twice.
 */
class AuditStreamTest {

    private static List<Map<String, Object>> lines(Path file) throws Exception {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            lines.add(Http.json(line));
        }
        return lines;
    }

    private static List<Object> actions(Path file) throws Exception {
        return lines(file).stream().map(line -> line.get("action")).toList();
    }

    private static int cli(TestServer server, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", server.dataDir().toString(), "--port", String.valueOf(server.server().port())));
        return Commands.commandLine().setOut(new PrintWriter(new StringWriter()))
                .execute(all.toArray(String[]::new));
    }

    @Test
    void theSecurityEventsAreStreamedAsJsonLines(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("audit.jsonl");
        try (TestServer server = TestServer.startNew(config -> config.toBuilder().auditLog(log.toString()).build())) {
            // A refresh token replayed after its rotation: reuse detected, the family revoked.
            TestClient client = server.registerRefreshClient(Map.of());
            TokenResponse first = OAuth.clientCredentials(server, client);
            RefreshToken original = first.toSuccessResponse().getTokens().getRefreshToken();
            assertThat(OAuth.refresh(server, client, original.getValue()).indicatesSuccess()).isTrue();
            assertThat(OAuth.refresh(server, client, original.getValue()).indicatesSuccess()).isFalse();
            // A family revoked by its client (RFC 7009).
            RefreshToken other = OAuth.clientCredentials(server, client).getTokens().getRefreshToken();
            assertThat(OAuth.revoke(server, client, other).getStatusCode()).isEqualTo(200);
            // A burst of failed client authentication.
            TestClient guesser = new TestClient(client.id(), "wrong-secret", null, Map.of());
            for (int i = 0; i < 10; i++) {
                assertThat(OAuth.token(server, guesser, new ClientCredentialsGrant(), null).indicatesSuccess()).isFalse();
            }
            // A key rotated from the command line, another process's write.
            assertThat(cli(server, "keys", "rotate")).isZero();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(actions(log))
                    .contains("client.create", "token.reuse_detected", "token.family.revoke",
                            "client.authentication.burst", "key.rotate"));
            Map<String, Object> reuse = lines(log).stream().filter(line -> "token.reuse_detected".equals(line.get("action")))
                    .findFirst().orElseThrow();
            assertThat(reuse).containsEntry("actor", "client:" + client.id()).containsEntry("target_kind", "family");
            Map<String, Object> burst = lines(log).stream()
                    .filter(line -> "client.authentication.burst".equals(line.get("action"))).findFirst().orElseThrow();
            assertThat(burst.get("source")).isEqualTo("127.0.0.1");
            assertThat(Files.readString(log)).as("no secret in the stream").doesNotContain(client.secret())
                    .doesNotContain("wrong-secret").doesNotContain(original.getValue());
            assertThat(server.server().assembly().stores().audit().list(
                    dev.latchkey.core.audit.AuditQuery.latest(100)).stream().map(AuditEvent::action))
                    .as("the table has them too").contains("token.reuse_detected", "client.authentication.burst");
        }
    }

    @Test
    void aRestartContinuesFromTheFilesLastLineWithoutLossOrRepeat(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("audit.jsonl");
        TestServer server = TestServer.startNew(config -> config.toBuilder().auditLog(log.toString()).build());
        try {
            server.register(Map.of("client_name", "before the stop"));
            await().atMost(Duration.ofSeconds(10)).until(() -> actions(log).contains("client.create"));
            int port = server.server().port();
            server.stop();
            // Written while no server runs: the next start must pick it up.
            assertThat(Commands.commandLine().setOut(new PrintWriter(new StringWriter())).execute("client", "create",
                    "--name", "while stopped", "--data-dir", server.dataDir().toString(), "--port",
                    String.valueOf(port))).isZero();
            server.start();
            server.register(Map.of("client_name", "after the start"));

            await().atMost(Duration.ofSeconds(10)).until(() -> lines(log).size() >= 3);
            List<Map<String, Object>> lines = lines(log);
            List<Object> ids = lines.stream().map(line -> line.get("id")).toList();
            assertThat(ids).doesNotHaveDuplicates();
            assertThat(lines).extracting(line -> String.valueOf(line.get("after")))
                    .anyMatch(after -> after.contains("while stopped"))
                    .anyMatch(after -> after.contains("after the start"));
        } finally {
            server.close();
        }
    }

    @Test
    void standardOutputGetsTheLinesToo(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (ServerProcess serve = ServerProcess.start(Map.of("LATCHKEY_AUDIT_LOG", "-"), "serve", "--port",
                String.valueOf(port), "--data-dir", dir.resolve("state").toString())) {
            serve.awaitLine("Latchkey listening on", Duration.ofSeconds(30));
            try (ServerProcess create = ServerProcess.start(Map.of(), "client", "create", "--name", "streamed",
                    "--port", String.valueOf(port), "--data-dir", dir.resolve("state").toString())) {
                assertThat(create.process().waitFor()).isZero();
            }
            String line = serve.awaitLine("\"action\":\"client.create\"", Duration.ofSeconds(10));
            assertThat(Http.json(line.substring(line.indexOf('{')))).containsEntry("actor", "cli");
        }
    }

    /** PostgreSQL can commit 11 before 10: 10 is waited for, then written once; a number never filled is given up. */
    @Test
    void theFollowerWritesOutOfOrderCommitsOnceAndGivesUpOnAGap() {
        AtomicLong nanos = new AtomicLong();
        AuditStream.Follower follower = new AuditStream.Follower(9, nanos::get);

        List<AuditEvent> first = follower.next(List.of(event(11)));
        follower.written(first);
        assertThat(first).extracting(AuditEvent::seq).containsExactly(11L);
        assertThat(follower.watermark()).as("10 is still missing").isEqualTo(9);

        List<AuditEvent> second = follower.next(List.of(event(10), event(11), event(13)));
        follower.written(second);
        assertThat(second).extracting(AuditEvent::seq).as("11 is not written twice").containsExactly(10L, 13L);
        assertThat(follower.watermark()).isEqualTo(11);

        nanos.addAndGet(AuditStream.Follower.GAP_NANOS + 1);
        List<AuditEvent> third = follower.next(List.of(event(13), event(14)));
        follower.written(third);
        assertThat(third).extracting(AuditEvent::seq).containsExactly(14L);
        assertThat(follower.watermark()).as("12 was rolled back: given up").isEqualTo(14);
        assertThat(follower.missing()).isEmpty();
    }

    private static AuditEvent event(long seq) {
        return new AuditEvent(seq, Instant.EPOCH, "cli", "test", "thing", "t" + seq, null, null, null, null);
    }
}
