package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.record.RefreshTokenRecord;
import dev.latchkey.server.testing.Clients;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.Node;
import dev.latchkey.server.testing.OAuth;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.store.jdbc.JdbcStores;
import dev.latchkey.store.jdbc.PostgresDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Clients keep refreshing while the server process is killed with SIGKILL at a random moment, then
 * restarted on the same data. Nothing acknowledged may be lost: the last refresh token each client
 * received either still works, or was rotated by a request whose response the crash swallowed, in
 * which case its successor is stored and active.
 */
class CrashRecoveryTest {

    private static final int CLIENTS = 8;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One client's view: every refresh token it was handed, and whether a request was cut off. */
    private static final class Holder {
        final TestClient client;
        final List<String> acknowledged = new CopyOnWriteArrayList<>();
        volatile boolean cutOff;

        Holder(TestClient client, String first) {
            this.client = client;
            acknowledged.add(first);
        }

        String last() {
            return acknowledged.get(acknowledged.size() - 1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void everyAcknowledgedRefreshTokenSurvivesAKill9(String store, @TempDir Path dataDir) throws Exception {
        PostgresDatabase database = store.equals("postgresql") ? PostgresDatabase.create() : null;
        String dbUrl = database != null ? database.url() : "jdbc:sqlite:" + dataDir.resolve("latchkey.db");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (Node node = Node.start(Map.of("LATCHKEY_DB_URL", dbUrl), dataDir)) {
            List<Holder> holders = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                TestClient client = node.register(Clients.refreshClient(Map.of()));
                holders.add(new Holder(client, OAuth.clientCredentials(node, client).getTokens().getRefreshToken().getValue()));
            }
            AtomicInteger refreshes = new AtomicInteger();
            ExecutorService workers = Executors.newFixedThreadPool(CLIENTS);
            holders.forEach(holder -> workers.submit(() -> refreshUntilCutOff(node, holder, refreshes)));

            int killAfter = 50 + random.nextInt(400);
            await().atMost(Duration.ofSeconds(30)).until(() -> refreshes.get() >= killAfter);
            node.kill();
            workers.shutdown();
            assertThat(workers.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
            assertThat(holders).allSatisfy(holder -> assertThat(holder.cutOff).isTrue());

            if (database == null) {
                assertThat(JdbcStores.sqliteIntegrityCheck(dbUrl)).as("seed " + seed).isEqualTo("ok");
            }
            node.start();

            int lostResponses = 0;
            try (JdbcStores stores = JdbcStores.open(dbUrl)) {
                for (Holder holder : holders) {
                    for (String token : holder.acknowledged.subList(0, holder.acknowledged.size() - 1)) {
                        assertThat(stores.tokens().findRefreshToken(TokenHash.of(token))).as("seed " + seed)
                                .hasValueSatisfying(r -> assertThat(r.token().state()).isEqualTo(RefreshTokenRecord.State.ROTATED));
                    }
                    RefreshTokenRecord last = stores.tokens().findRefreshToken(TokenHash.of(holder.last()))
                            .orElseThrow(() -> new AssertionError("acknowledged token lost, seed " + seed)).token();
                    if (last.state() == RefreshTokenRecord.State.ROTATED) {
                        // The crash swallowed the response to a committed rotation: the successor exists.
                        lostResponses++;
                        assertThat(stores.tokens().findRefreshToken(last.successorHash())).as("seed " + seed)
                                .hasValueSatisfying(s -> assertThat(s.token().state()).isEqualTo(RefreshTokenRecord.State.ACTIVE));
                        assertThat(OAuth.refresh(node, holder.client, holder.last()).toErrorResponse()
                                .getErrorObject().getCode()).isEqualTo("invalid_grant");
                    } else {
                        assertThat(last.state()).as("seed " + seed).isEqualTo(RefreshTokenRecord.State.ACTIVE);
                        assertThat(OAuth.refresh(node, holder.client, holder.last()).indicatesSuccess())
                                .as("an acknowledged refresh token works after the restart, seed " + seed).isTrue();
                    }
                }
            }
            org.slf4j.LoggerFactory.getLogger(CrashRecoveryTest.class).info(
                    "{}: killed after {} refreshes (seed {}); {} of {} clients had a response cut off after commit",
                    store, refreshes.get(), seed, lostResponses, CLIENTS);
        } finally {
            if (database != null) {
                database.close();
            }
        }
    }

    private static void refreshUntilCutOff(Node node, Holder holder, AtomicInteger refreshes) {
        while (true) {
            HttpResponse<String> response;
            try {
                response = HTTP.send(HttpRequest.newBuilder(node.tokenEndpoint())
                        .timeout(Duration.ofSeconds(10))
                        .header("Authorization", holder.client.basicHeader())
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(Http.encode(
                                Map.of("grant_type", "refresh_token", "refresh_token", holder.last()))))
                        .build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                holder.cutOff = true;
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (response.statusCode() != 200) {
                throw new UncheckedIOException(new IOException("unexpected " + response.statusCode() + " " + response.body()));
            }
            holder.acknowledged.add((String) Http.json(response).get("refresh_token"));
            refreshes.incrementAndGet();
        }
    }
}
