package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.LogCapture;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Health, metrics and the plain HTTP behaviour of the routes: HEAD, 405's Allow, path parameters. */
class OperationsEndpointsTest {

    @RegisterExtension
    static final TestServer SERVER = new TestServer();

    @Test
    void healthAnswersReadinessAndLivenessAsJson() {
        HttpResponse<String> ready = Http.get(SERVER.uri("/health"));
        HttpResponse<String> live = Http.get(SERVER.uri("/health/live"));

        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(Http.json(ready)).containsEntry("status", "UP");
        assertThat(ready.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(Http.json(live)).containsEntry("status", "UP");
        assertThat(live.headers().firstValue("Content-Type")).hasValue("application/json;charset=UTF-8");
        for (String path : new String[] {"/health/ready", "/health/started"}) {
            HttpResponse<String> probe = Http.get(SERVER.uri(path));
            assertThat(probe.statusCode()).as(path).isEqualTo(200);
            assertThat(Http.json(probe)).as(path).containsEntry("status", "UP");
        }
    }

    @Test
    void metricsCountIssuedTokensAndOAuthErrorsByEndpoint() {
        TestClient client = SERVER.register(Map.of("scope", "read"));
        double issuedBefore = counter(scrape(), "latchkey_tokens_issued_total",
                "format=\"jwt\",grant_type=\"client_credentials\"");
        double errorsBefore = counter(scrape(), "latchkey_oauth_errors_total",
                "endpoint=\"/oauth2/token\",error=\"unsupported_grant_type\"");

        for (int i = 0; i < 3; i++) {
            assertThat(Http.postForm(SERVER.uri("/oauth2/token"), client.basicHeader(),
                    Map.of("grant_type", "client_credentials")).statusCode()).isEqualTo(200);
        }
        assertThat(Http.postForm(SERVER.uri("/oauth2/token"), client.basicHeader(),
                Map.of("grant_type", "password")).statusCode()).isEqualTo(400);

        String after = scrape();
        assertThat(counter(after, "latchkey_tokens_issued_total", "format=\"jwt\",grant_type=\"client_credentials\""))
                .isEqualTo(issuedBefore + 3);
        assertThat(counter(after, "latchkey_oauth_errors_total",
                "endpoint=\"/oauth2/token\",error=\"unsupported_grant_type\"")).isEqualTo(errorsBefore + 1);
        assertThat(after).contains("jvm_memory_used_bytes");
    }

    @Test
    void tokensCountedBeforeTheFirstScrapeAreCountedOnceAndLogNothing() throws Exception {
        try (TestServer fresh = TestServer.startNew(config -> config); LogCapture logs = new LogCapture()) {
            TestClient client = fresh.register(Map.of("scope", "read"));
            for (int i = 0; i < 2; i++) {
                assertThat(Http.postForm(fresh.uri("/oauth2/token"), client.basicHeader(),
                        Map.of("grant_type", "client_credentials")).statusCode()).isEqualTo(200);
            }

            assertThat(counter(scrape(fresh), "latchkey_tokens_issued_total",
                    "format=\"jwt\",grant_type=\"client_credentials\"")).isEqualTo(2);
            assertThat(logs.warnings()).as("the registry, built at the first scrape, registers each counter once")
                    .isEmpty();
        }
    }

    @Test
    void headAnswersWithTheHeadersOfGetAndNoBody() {
        for (String path : new String[] {"/oauth2/jwks", "/.well-known/oauth-authorization-server", "/health/live"}) {
            HttpResponse<String> get = Http.get(SERVER.uri(path));
            HttpResponse<String> head = Http.send(HttpRequest.newBuilder(SERVER.uri(path))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());

            assertThat(head.statusCode()).as(path).isEqualTo(200);
            assertThat(head.body()).as(path).isEmpty();
            assertThat(head.headers().firstValue("Content-Type")).as(path)
                    .isEqualTo(get.headers().firstValue("Content-Type"));
            assertThat(head.headers().firstValue("Content-Length")).as(path)
                    .hasValue(String.valueOf(get.body().length()));
        }
    }

    @Test
    void aMethodAPathDoesNotTakeIs405NamingTheMethodsItTakes() {
        Map<String, String> allowed = Map.of("/oauth2/jwks", "GET, HEAD, OPTIONS", "/oauth2/revoke", "POST",
                "/oauth2/register", "POST, OPTIONS", "/oauth2/register/some-client", "GET, HEAD, PUT, DELETE, OPTIONS");
        allowed.forEach((path, allow) -> {
            HttpResponse<String> response = Http.send(HttpRequest.newBuilder(SERVER.uri(path))
                    .method("PATCH", HttpRequest.BodyPublishers.noBody()).build());
            assertThat(response.statusCode()).as(path).isEqualTo(405);
            assertThat(response.headers().firstValue("Allow")).as(path).hasValue(allow);
            assertThat(Http.json(response)).as(path).containsEntry("error", "invalid_request");
        });
    }

    @Test
    void aClientPathWithMoreSegmentsOrNoneIsUnknown() {
        for (String path : new String[] {"/oauth2/register/a/b", "/oauth2/register/", "/oauth2/registered"}) {
            HttpResponse<String> response = Http.get(SERVER.uri(path));
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(Http.json(response)).as(path).containsEntry("error", "invalid_request");
        }
    }

    private static String scrape() {
        return scrape(SERVER);
    }

    private static String scrape(TestServer server) {
        HttpResponse<String> response = Http.get(server.uri("/metrics"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        return response.body();
    }

    /** A counter's value in Prometheus text format, 0 if it has not been counted yet. */
    private static double counter(String scrape, String name, String labels) {
        Matcher value = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels) + "[^}]*} (\\S+)$").matcher(scrape);
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }
}
