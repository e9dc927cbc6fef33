package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.latchkey.core.account.PasswordHasher;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 8: with {@code --otel-endpoint}, spans go to an OTLP/HTTP collector (here a fake one
 * that keeps the protobuf bodies): the request's server span continues the caller's W3C trace, with the
 * token pipeline, the database and Argon2id hashing in it; sampling follows the caller's decision.
 */
class TracingTest {

    private static final String SAMPLED_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String UNSAMPLED_TRACE = "0af7651916cd43dd8448eb211c80319c";

    /** Whether a collected body holds this trace id (16 raw bytes in protobuf) and these names (UTF-8). */
    private static boolean holds(byte[] body, String traceId, String... names) {
        String latin = new String(body, StandardCharsets.ISO_8859_1);
        if (!latin.contains(new String(HexFormat.of().parseHex(traceId), StandardCharsets.ISO_8859_1))) {
            return false;
        }
        for (String name : names) {
            if (!latin.contains(name)) {
                return false;
            }
        }
        return true;
    }

    private static boolean anyHolds(List<byte[]> bodies, String traceId, String... names) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        bodies.forEach(all::writeBytes);
        return holds(all.toByteArray(), traceId, names);
    }

    @Test
    void aCallersSampledTraceIsContinuedThroughThePipelineTheDatabaseAndHashing() throws Exception {
        List<byte[]> bodies = new CopyOnWriteArrayList<>();
        List<String> paths = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/", exchange -> {
            paths.add(exchange.getRequestURI().getPath());
            bodies.add(exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        String endpoint = "http://127.0.0.1:" + collector.getAddress().getPort();
        // Ratio 0: only traces a caller sampled are recorded (parent-based sampling).
        try (TestServer server = TestServer.startNew(config -> config.toBuilder().otelEndpoint(endpoint)
                .otelSampleRatio(0).build())) {
            TestClient client = server.register(Map.of("scope", "read", "access_token_format", "opaque"));
            token(server, client, "00-" + UNSAMPLED_TRACE + "-00f067aa0ba902b7-00");
            var answered = token(server, client, "00-" + SAMPLED_TRACE + "-00f067aa0ba902b7-01");
            assertThat(answered.statusCode()).isEqualTo(200);
            // Argon2id under a sampled span of the caller's (as a sign-in runs it).
            Span parent = Span.wrap(SpanContext.create(SAMPLED_TRACE, "00f067aa0ba902b8", TraceFlags.getSampled(),
                    TraceState.getDefault()));
            try (var scope = Context.root().with(parent).makeCurrent()) {
                PasswordHasher.standard().hash("correct horse".toCharArray());
            }

            await().atMost(Duration.ofSeconds(15)).until(() -> anyHolds(bodies, SAMPLED_TRACE,
                    "POST /oauth2/token", "oauth2.token", "db.write", "password.argon2id", "latchkey"));
            assertThat(paths).allMatch(path -> path.equals("/v1/traces"));
            assertThat(anyHolds(bodies, UNSAMPLED_TRACE)).as("a trace the caller did not sample is not recorded")
                    .isFalse();
            assertThat(anyHolds(bodies, SAMPLED_TRACE, client.secret())).as("no secret in a span").isFalse();
        } finally {
            collector.stop(0);
        }
    }

    private static java.net.http.HttpResponse<String> token(TestServer server, TestClient client, String traceparent) {
        return Http.send(HttpRequest.newBuilder(server.uri("/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", client.basicHeader())
                .header("traceparent", traceparent)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build());
    }
}
