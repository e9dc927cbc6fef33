package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.config.ServerConfig;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.store.jdbc.PostgresDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL that stops answering (here: tables locked by another session) must not take the
 * server down with it. Issue 12, items 6 and 8.
 */
class StoreStallTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Holds ACCESS EXCLUSIVE locks on the given tables until closed: every statement on them waits. */
    private static final class Stall implements AutoCloseable {
        private final Connection connection;
        private final AtomicBoolean released = new AtomicBoolean();

        Stall(PostgresDatabase database, String... tables) throws Exception {
            connection = DriverManager.getConnection(database.url());
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("LOCK TABLE " + String.join(", ", tables) + " IN ACCESS EXCLUSIVE MODE");
            }
        }

        boolean released() {
            return released.get();
        }

        @Override
        public void close() throws Exception {
            released.set(true);
            connection.rollback();
            connection.close();
        }
    }

    /** Item 6: liveness, JWKS and metadata answer while blocked revocations and registrations pile up. */
    @Test
    void livenessJwksAndMetadataAnswerWhileTheDatabaseIsStuckUnderWrites() throws Exception {
        try (PostgresDatabase database = PostgresDatabase.create();
             TestServer server = TestServer.startNew(config -> config.withDbUrl(database.url()).toBuilder()
                     .maxThreads(8).build())) {
            TestClient client = server.register(Map.of("scope", "read", "access_token_format", "opaque"));
            String token = (String) Http.json(Http.postForm(server.tokenEndpoint(), client.basicHeader(),
                    Map.of("grant_type", "client_credentials"))).get("access_token");
            List<CompletableFuture<HttpResponse<String>>> blocked = new ArrayList<>();
            try (Stall stall = new Stall(database, "access_tokens", "refresh_tokens", "token_families", "changes",
                    "clients")) {
                for (int i = 0; i < 24; i++) {
                    blocked.add(send(form(server.uri("/oauth2/revoke"), client.basicHeader(), "token=" + token)));
                    blocked.add(send(HttpRequest.newBuilder(server.uri("/oauth2/register"))
                            .header("Authorization", "Bearer " + TestServer.INITIAL_ACCESS_TOKEN)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"scope\":\"read\"}")).build()));
                }
                for (String path : List.of("/health/live", "/oauth2/jwks", "/.well-known/oauth-authorization-server")) {
                    HttpResponse<String> answer = send(HttpRequest.newBuilder(server.uri(path)).GET().build())
                            .get(60, TimeUnit.SECONDS);

                    assertThat(answer.statusCode()).as(path).isEqualTo(200);
                    assertThat(stall.released()).as("%s answered only once the database was free", path).isFalse();
                }
                assertThat(blocked).as("the stalled requests are still waiting").anyMatch(f -> !f.isDone());
            }
            for (CompletableFuture<HttpResponse<String>> request : blocked) {
                assertThat(request.get(60, TimeUnit.SECONDS).statusCode()).isIn(200, 201, 503);
            }
        }
    }

    /**
     * Item 8: introspections of unknown tokens whose second lookup waits for a stuck database hold
     * no thread each (the lookups are batched and answered from the lookup threads): the server's
     * threads do not grow with the requests, and every request is answered once the database is back.
     */
    @Test
    void introspectionsWaitingForAStuckDatabaseHoldNoThreadEach() throws Exception {
        try (PostgresDatabase database = PostgresDatabase.create();
             TestServer server = TestServer.startNew(config -> config.withDbUrl(database.url()))) {
            TestClient client = server.register(Map.of("scope", "read"));
            // Once before the stall, so the client is cached and every thread the path needs exists.
            send(form(server.uri("/oauth2/introspect"), client.basicHeader(), "token=warm-up")).get(60, TimeUnit.SECONDS);
            int before = latchkeyThreads();
            int waitersBefore = storeWaitThreads();
            List<CompletableFuture<HttpResponse<String>>> requests = new ArrayList<>();
            int during;
            int waitersDuring;
            // Access tokens are looked up first (they answer: not found), then refresh tokens, which wait.
            try (Stall stall = new Stall(database, "refresh_tokens")) {
                for (int i = 0; i < 200; i++) {
                    requests.add(send(form(server.uri("/oauth2/introspect"), client.basicHeader(),
                            "token=unknown-token-" + i)));
                }
                HttpResponse<String> live = send(HttpRequest.newBuilder(server.uri("/health/live")).GET().build())
                        .get(60, TimeUnit.SECONDS);
                during = latchkeyThreads();
                waitersDuring = storeWaitThreads();

                assertThat(live.statusCode()).isEqualTo(200);
                assertThat(stall.released()).isFalse();
                assertThat(requests).as("the introspections wait for the database").anyMatch(f -> !f.isDone());
            }
            assertThat(during).as("threads before: %s", before)
                    .isLessThanOrEqualTo(before + ServerConfig.DEFAULT_MAX_THREADS + 4);
            assertThat(waitersDuring).as("no store worker per waiting request").isLessThanOrEqualTo(waitersBefore);
            for (CompletableFuture<HttpResponse<String>> request : requests) {
                HttpResponse<String> response = request.get(60, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isIn(200, 503);
            }
        }
    }

    /**
     * Item 8: revocations, which run on the store workers, hold at most the configured workers
     * while the database is stuck; beyond the queue they are shed with 503 and Retry-After.
     */
    @Test
    void revocationsWaitingForAStuckDatabaseAreBoundedAndTheRestShed() throws Exception {
        int workers = 4;
        int queue = 8;
        try (PostgresDatabase database = PostgresDatabase.create();
             TestServer server = TestServer.startNew(config -> config.withDbUrl(database.url()).toBuilder()
                     .storeWorkers(workers).storeQueue(queue).build())) {
            TestClient client = server.register(Map.of("scope", "read"));
            List<CompletableFuture<HttpResponse<String>>> requests = new ArrayList<>();
            int peakWaiters;
            try (Stall stall = new Stall(database, "access_tokens", "refresh_tokens")) {
                for (int i = 0; i < 200; i++) {
                    requests.add(send(form(server.uri("/oauth2/revoke"), client.basicHeader(),
                            "token=unknown-token-" + i)));
                }
                List<HttpResponse<String>> shed = new ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (shed.size() < 200 - workers - queue && System.nanoTime() < deadline) {
                    shed = requests.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join).toList();
                    Thread.sleep(20);
                }
                peakWaiters = storeWaitThreads();

                assertThat(shed).hasSize(200 - workers - queue).allSatisfy(response -> {
                    assertThat(response.statusCode()).isEqualTo(503);
                    assertThat(Http.json(response)).containsEntry("error", "temporarily_unavailable");
                    assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
                });
                assertThat(stall.released()).isFalse();
            }
            assertThat(peakWaiters).isLessThanOrEqualTo(workers);
            for (CompletableFuture<HttpResponse<String>> request : requests) {
                assertThat(request.get(60, TimeUnit.SECONDS).statusCode()).isIn(200, 503);
            }
        }
    }

    private static int latchkeyThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("latchkey-") && thread.isAlive()).count();
    }

    private static int storeWaitThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("latchkey-store-wait") && thread.isAlive()).count();
    }

    private static HttpRequest form(URI uri, String authorization, String body) {
        return HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", authorization).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static CompletableFuture<HttpResponse<String>> send(HttpRequest request) {
        return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }
}
