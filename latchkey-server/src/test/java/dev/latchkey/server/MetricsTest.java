package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.LogCapture;
import dev.latchkey.server.testing.OAuth;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, items 6 and 7: metrics worth scraping (per route and status with latency histograms,
 * per client with a cap, reuse detections, key ages, the store; HELP on every family) on a
 * management port of their own; request ids on every answer and in log lines.
 */
class MetricsTest {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)$");

    private static String scrape(URI uri) {
        HttpResponse<String> response = Http.get(uri);
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** A sample's value, or -1 when it is absent. */
    private static double value(String scrape, String name, String labels) {
        return scrape.lines().filter(line -> line.startsWith(name + (labels.isEmpty() ? " " : "{" + labels + "}")))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).findFirst()
                .orElse(-1);
    }

    @Test
    void theManagementPortServesMetricsAndHealthAndThePublicPortNeither() throws Exception {
        try (TestServer server = TestServer.startNew(config -> config.toBuilder().managementPort(0).build())) {
            int management = server.server().managementPort();
            assertThat(management).isNotEqualTo(server.server().port());
            URI metrics = URI.create("http://127.0.0.1:" + management + "/metrics");
            TestClient client = server.registerRefreshClient(Map.of("scope", "read"));
            for (int i = 0; i < 3; i++) {
                OAuth.clientCredentials(server, client);
            }
            var first = OAuth.clientCredentials(server, client);
            String refresh = first.getTokens().getRefreshToken().getValue();
            assertThat(OAuth.refresh(server, client, refresh).indicatesSuccess()).isTrue();
            assertThat(OAuth.refresh(server, client, refresh).indicatesSuccess()).as("reuse").isFalse();

            String text = scrape(metrics);

            assertThat(Http.get(server.uri("/metrics")).statusCode()).as("not on the public port").isEqualTo(404);
            assertThat(Http.get(server.uri("/health/ready")).statusCode()).isEqualTo(404);
            HttpResponse<String> ready = Http.get(URI.create("http://127.0.0.1:" + management + "/health/ready"));
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(Http.json(ready)).containsEntry("status", "UP").containsEntry("checks",
                    Map.of("database", "UP", "signing_key", "UP", "migrations", "UP"));

            String token = "method=\"POST\",route=\"/oauth2/token\",status=\"200\"";
            assertThat(value(text, "latchkey_http_requests_total", token)).isEqualTo(5);
            assertThat(value(text, "latchkey_http_request_duration_seconds_count", token)).isEqualTo(5);
            assertThat(value(text, "latchkey_http_request_duration_seconds_bucket", token + ",le=\"+Inf\"")).isEqualTo(5);
            assertThat(value(text, "latchkey_http_requests_total",
                    "method=\"POST\",route=\"/oauth2/token\",status=\"400\"")).isEqualTo(1);
            assertThat(value(text, "latchkey_client_tokens_issued_total", "client_id=\"" + client.id() + "\""))
                    .isEqualTo(5);
            assertThat(value(text, "latchkey_refresh_token_reuse_detected_total", "")).isEqualTo(1);
            assertThat(text).containsPattern("latchkey_signing_key_age_seconds\\{algorithm=\"EdDSA\",kid=\"[^\"]+\","
                    + "status=\"current\"\\} \\d+");
            assertThat(value(text, "latchkey_db_group_commits_total", "")).isPositive();
            assertThat(value(text, "latchkey_db_group_commit_writes_total", ""))
                    .isGreaterThanOrEqualTo(value(text, "latchkey_db_group_commits_total", ""));
            assertThat(value(text, "latchkey_db_writes_queued", "")).isGreaterThanOrEqualTo(0);
            assertThat(text).contains("jvm_memory_used_bytes").contains("jvm_gc_").contains("process_cpu_usage")
                    .contains("jvm_classes_loaded").contains("process_uptime_seconds");
            everyFamilyHasHelp(text);
            everyMetricOfTheGrafanaDashboardExists(text);
        }
    }

    /** docs/grafana-dashboard.json asks only for series this server exports. */
    private static void everyMetricOfTheGrafanaDashboardExists(String text) throws Exception {
        String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "grafana-dashboard.json"));
        Matcher names = Pattern.compile("\\b((?:latchkey|jvm|process)_[a-z_]+)\\b").matcher(dashboard);
        int found = 0;
        while (names.find()) {
            String name = names.group(1);
            assertThat(text).as(name + " in the dashboard").containsPattern("(?m)^" + name + "[{ ]");
            found++;
        }
        assertThat(found).isGreaterThan(10);
    }

    /** Prometheus conventions: every sample belongs to a family with a non-empty # HELP and a # TYPE. */
    private static void everyFamilyHasHelp(String text) {
        Set<String> helped = new LinkedHashSet<>();
        Set<String> typed = new LinkedHashSet<>();
        for (String line : text.lines().toList()) {
            if (line.startsWith("# HELP ")) {
                String[] parts = line.split(" ", 4);
                assertThat(parts).as(line).hasSize(4);
                assertThat(parts[3]).as(line).isNotBlank();
                helped.add(parts[2]);
            } else if (line.startsWith("# TYPE ")) {
                typed.add(line.split(" ")[2]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                Matcher matcher = SAMPLE.matcher(line);
                assertThat(matcher.matches()).as(line).isTrue();
                String name = matcher.group(1);
                String family = List.of("_bucket", "_sum", "_count", "_max").stream().filter(name::endsWith)
                        .map(suffix -> name.substring(0, name.length() - suffix.length()))
                        .filter(helped::contains).findFirst().orElse(name);
                assertThat(helped).as("HELP for " + name).contains(family);
                assertThat(typed).as("TYPE for " + name).contains(family);
            }
        }
    }

    @Test
    void everyAnswerCarriesARequestIdWhichTheLogLinesOfThatRequestCarryToo() throws Exception {
        try (TestServer server = TestServer.startNew(config -> config); LogCapture logs = new LogCapture()) {
            HttpResponse<String> made = Http.get(server.uri("/health/live"));
            assertThat(made.headers().firstValue("X-Request-Id")).hasValueSatisfying(id ->
                    assertThat(id).matches("[0-9a-f]{16}"));
            HttpResponse<String> kept = Http.send(HttpRequest.newBuilder(server.uri("/oauth2/jwks"))
                    .header("X-Request-Id", "edge-7f3a.42").GET().build());
            assertThat(kept.headers().firstValue("X-Request-Id")).hasValue("edge-7f3a.42");
            HttpResponse<String> replaced = Http.send(HttpRequest.newBuilder(server.uri("/oauth2/jwks"))
                    .header("X-Request-Id", "forged\" id with spaces").GET().build());
            assertThat(replaced.headers().firstValue("X-Request-Id")).hasValueSatisfying(id ->
                    assertThat(id).matches("[0-9a-f]{16}"));

            // A failed client authentication is logged on a store worker: the request's id comes along.
            HttpResponse<String> failed = Http.send(HttpRequest.newBuilder(server.uri("/oauth2/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                            "nobody:nothing".getBytes()))
                    .header("X-Request-Id", "trace-me-1")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build());
            assertThat(failed.statusCode()).isEqualTo(401);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() ->
                    logs.events().stream().anyMatch(event -> event.getFormattedMessage().contains("client_id=nobody")));
            var warning = logs.events().stream().filter(event -> event.getFormattedMessage().contains("client_id=nobody"))
                    .findFirst().orElseThrow();
            assertThat(warning.getMDCPropertyMap()).containsEntry("http.request.id", "trace-me-1");
            assertThat(Http.json(new EcsJsonLine().doLayout(warning))).containsEntry("http.request.id", "trace-me-1");
        }
    }

    @Test
    void theAccessLogIsOneEcsLinePerRequestWithoutTheQuery() throws Exception {
        try (TestServer server = TestServer.startNew(config -> config.toBuilder().accessLog(true).build());
             LogCapture logs = new LogCapture()) {
            Http.send(HttpRequest.newBuilder(server.uri("/oauth2/jwks?secret-looking=abc123"))
                    .header("X-Request-Id", "access-1").GET().build());
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() ->
                    logs.events().stream().anyMatch(event -> event.getLoggerName().equals("latchkey.access")));
            var line = logs.events().stream().filter(event -> event.getLoggerName().equals("latchkey.access"))
                    .findFirst().orElseThrow();
            Map<String, Object> json = Http.json(new EcsJsonLine().doLayout(line));
            assertThat(json).containsEntry("http.request.id", "access-1").containsEntry("http.request.method", "GET")
                    .containsEntry("url.path", "/oauth2/jwks").containsEntry("http.response.status_code", "200")
                    .containsEntry("client.address", "127.0.0.1").containsKey("event.duration");
            assertThat(json.toString()).doesNotContain("abc123");
        } finally {
            LogbackConfigurator.accessLog(false);
        }
    }
}
