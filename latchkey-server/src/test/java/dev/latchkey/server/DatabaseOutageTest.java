package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.server.web.Routes;
import dev.latchkey.store.jdbc.PostgresDatabase;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stops accepting the node's connections in the middle of a load: requests fail cleanly
 * with 503 {@code temporarily_unavailable} (never 500), readiness goes down, and once the database
 * accepts connections again the node recovers by itself.
 */
class DatabaseOutageTest {

    @Test
    void requestsFailWith503DuringAnOutageAndTheNodeRecoversByItself() throws Exception {
        PostgresDatabase.create().close(); // skips (or fails in CI) when PostgreSQL is not there
        String name = "lk_outage_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        admin("CREATE DATABASE " + name);
        String url = PostgresDatabase.BASE_URL.replace("/test?", "/" + name + "?");
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService load = Executors.newFixedThreadPool(4);
        try (TestServer server = TestServer.startNew(config -> config.withDbUrl(url))) {
            // Three paths to the store, none of which holds an HTTP thread while it waits: an opaque
            // token alone and one with a refresh token are saved through the writer, an opaque
            // token is introspected through the batched lookups.
            TestClient withRefresh = server.register(Map.of("scope", "read", "access_token_format", "opaque",
                    "grant_types", List.of("client_credentials", "refresh_token")));
            TestClient opaqueOnly = server.register(Map.of("scope", "read", "access_token_format", "opaque"));
            String introspected = (String) Http.json(Http.postForm(server.tokenEndpoint(), opaqueOnly.basicHeader(),
                    Map.of("grant_type", "client_credentials"))).get("access_token");
            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            Map<Integer, AtomicInteger> opaqueOnlyStatuses = new ConcurrentHashMap<>();
            Map<Integer, AtomicInteger> introspectionStatuses = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < 4; i++) {
                boolean introspect = i == 3;
                // The introspecting client is the token's own: a client learns only about its tokens.
                TestClient client = i % 2 == 0 || introspect ? opaqueOnly : withRefresh;
                load.submit(() -> {
                    while (running.get()) {
                        HttpResponse<String> response = introspect
                                ? Http.postForm(server.uri(Routes.INTROSPECT), client.basicHeader(),
                                        Map.of("token", introspected))
                                : Http.postForm(server.tokenEndpoint(), client.basicHeader(),
                                        Map.of("grant_type", "client_credentials"));
                        statuses.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                        Map<Integer, AtomicInteger> own = introspect ? introspectionStatuses
                                : client == opaqueOnly ? opaqueOnlyStatuses : null;
                        if (own != null) {
                            own.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                        }
                        if (response.statusCode() != 200) {
                            errors.add(response.statusCode() + " " + Http.json(response).get("error"));
                        } else if (introspect && !Boolean.TRUE.equals(Http.json(response).get("active"))) {
                            errors.add("introspection answered 200 but not active");
                        }
                    }
                    return null;
                });
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> count(statuses, 200) >= 50);

            admin("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS false");
            admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
            await().atMost(Duration.ofSeconds(20)).until(() -> count(statuses, 503) >= 5
                    && count(opaqueOnlyStatuses, 503) >= 2 && count(introspectionStatuses, 503) >= 2);
            assertThat(Http.get(server.uri("/health")).statusCode()).isEqualTo(503);

            admin("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS true");
            int okBeforeRecovery = count(statuses, 200);
            int opaqueOnlyOkBeforeRecovery = count(opaqueOnlyStatuses, 200);
            int introspectionOkBeforeRecovery = count(introspectionStatuses, 200);
            await().atMost(Duration.ofSeconds(30)).until(() -> count(statuses, 200) >= okBeforeRecovery + 50
                    && count(opaqueOnlyStatuses, 200) >= opaqueOnlyOkBeforeRecovery + 20
                    && count(introspectionStatuses, 200) >= introspectionOkBeforeRecovery + 20);
            assertThat(Http.get(server.uri("/health")).statusCode()).isEqualTo(200);
            running.set(false);
            load.shutdown();
            assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

            assertThat(statuses.keySet()).as("only success or 503: %s", errors.stream().distinct().toList())
                    .containsOnly(200, 503);
            assertThat(errors).allSatisfy(error -> assertThat(error).isEqualTo("503 temporarily_unavailable"));
        } finally {
            running.set(false);
            load.shutdownNow();
            admin("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS true");
            admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
            admin("DROP DATABASE IF EXISTS " + name);
        }
    }

    private static int count(Map<Integer, AtomicInteger> statuses, int status) {
        AtomicInteger count = statuses.get(status);
        return count == null ? 0 : count.get();
    }

    private static void admin(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(PostgresDatabase.BASE_URL); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
