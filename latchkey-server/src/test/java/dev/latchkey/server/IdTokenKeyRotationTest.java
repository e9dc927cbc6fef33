package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.JWKSet;
import dev.latchkey.core.key.SigningAlgorithm;
import dev.latchkey.server.cli.Commands;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: id_token keys have the staged rotation access token keys have, by command:
 * {@code keys rotate --id-token-alg RS256} publishes a new key at once (running servers serve it in
 * their JWKS) that signs only after the activation delay; {@code keys list} shows both rings.
 */
class IdTokenKeyRotationTest {

    private static String cli(TestServer server, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(args));
        all.addAll(java.util.List.of("--data-dir", server.dataDir().toString(), "--port",
                String.valueOf(server.server().port())));
        int exit = Commands.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(all.toArray(String[]::new));
        assertThat(exit).as(err.toString()).isZero();
        return out.toString();
    }

    private static long rs256Keys(TestServer server) throws Exception {
        return JWKSet.parse(Http.get(server.uri("/oauth2/jwks")).body()).getKeys().stream()
                .filter(key -> "RS256".equals(String.valueOf(key.getAlgorithm()))
                        || key.getKeyType().getValue().equals("RSA")).count();
    }

    @Test
    void anIdTokenKeyRotatesLikeAnAccessTokenKey() throws Exception {
        try (TestServer server = TestServer.startNew(config -> config)) {
            var idKeys = server.server().assembly().idKeys();
            String first = idKeys.signingKey(SigningAlgorithm.RS256).kid(); // made on first use, as a client would
            assertThat(rs256Keys(server)).isEqualTo(1);

            String rotated = cli(server, "keys", "rotate", "--id-token-alg", "RS256");

            assertThat(rotated).startsWith("New RS256 key");
            await().atMost(Duration.ofSeconds(10)).until(() -> rs256Keys(server) == 2);
            assertThat(idKeys.signingKey(SigningAlgorithm.RS256).kid()).as("the old key signs until the delay is over")
                    .isEqualTo(first);
            String list = cli(server, "keys", "list");
            assertThat(list.lines().filter(line -> line.contains("RS256\tid_token"))).hasSize(2)
                    .anyMatch(line -> line.contains("\tcurrent\t")).anyMatch(line -> line.contains("\tnext\t"));
            assertThat(list).contains("EdDSA\taccess\tcurrent");
            assertThat(server.server().assembly().stores().audit().list(dev.latchkey.core.audit.AuditQuery.latest(5)))
                    .anyMatch(event -> event.action().equals("key.rotate") && event.after().contains("\"id\""));
        }
    }
}
