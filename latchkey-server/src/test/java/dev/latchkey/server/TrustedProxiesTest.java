package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.LogCapture;
import dev.latchkey.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, item 2: behind a reverse proxy, {@code Forwarded} (RFC 7239) and {@code X-Forwarded-For}
 * name the client only when the connection comes from a trusted proxy, and then the client is the
 * rightmost hop that is not a trusted proxy (what the client wrote further left is ignored).
 */
class TrustedProxiesTest {

    private static String sourceLogged(TestServer server, String clientId, Map<String, String> headers) {
        try (LogCapture logs = new LogCapture()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(server.uri("/oauth2/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                            (clientId + ":wrong").getBytes()))
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"));
            headers.forEach(request::header);
            assertThat(Http.send(request.build()).statusCode()).isEqualTo(401);
            await().atMost(Duration.ofSeconds(5)).until(() -> logs.warnings().stream()
                    .anyMatch(line -> line.contains("client_id=" + clientId)));
            String line = logs.warnings().stream().filter(l -> l.contains("client_id=" + clientId)).findFirst()
                    .orElseThrow();
            return line.replaceAll(".*source=(\\S+).*", "$1");
        }
    }

    @Test
    void aTrustedProxysHeadersNameTheClient() throws Exception {
        try (TestServer server = TestServer.startNew(config -> config.toBuilder()
                .trustedProxies(List.of("127.0.0.0/8", "10.0.0.0/8")).build())) {
            assertThat(sourceLogged(server, "xff", Map.of("X-Forwarded-For", "198.51.100.9, 203.0.113.7")))
                    .isEqualTo("203.0.113.7");
            assertThat(sourceLogged(server, "chain", Map.of("X-Forwarded-For", "203.0.113.8, 10.1.1.1")))
                    .as("a trusted proxy's own hop is skipped").isEqualTo("203.0.113.8");
            assertThat(sourceLogged(server, "rfc7239", Map.of("Forwarded",
                    "for=198.51.100.1, for=\"[2001:db8:cafe::17]:4711\";proto=https", "X-Forwarded-For", "192.0.2.1")))
                    .as("Forwarded wins over X-Forwarded-For").isEqualTo("2001:db8:cafe::17");
            assertThat(sourceLogged(server, "none", Map.of())).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void withoutTrustedProxiesTheHeadersAreIgnored() throws Exception {
        try (TestServer server = TestServer.startNew(config -> config)) {
            assertThat(sourceLogged(server, "spoofed", Map.of("X-Forwarded-For", "203.0.113.7",
                    "Forwarded", "for=198.51.100.1"))).isEqualTo("127.0.0.1");
        }
    }
}
