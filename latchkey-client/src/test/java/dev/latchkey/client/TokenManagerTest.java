package dev.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.latchkey.client.testing.CountingHttpClient;
import dev.latchkey.client.testing.FakeTime;
import dev.latchkey.client.testing.StubServer.Answer;
import dev.latchkey.client.testing.StubServer;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The token manager against the real Latchkey server over HTTP, and against stubs for failures. */
class TokenManagerTest {

    @RegisterExtension
    static final TestServer SERVER = TestServer.realTime(config -> config);

    private static TokenManager.Builder managerFor(TestClient client) {
        return TokenManager.builder(SERVER.tokenEndpoint())
                .clientCredentials(ClientAuthentication.basic(client.id(), client.secret()));
    }

    private static String accessToken(int lifetime, long createdAt) {
        return "{\"access_token\":\"at-" + createdAt + "-" + lifetime + "-" + System.nanoTime()
                + "\",\"token_type\":\"Bearer\",\"expires_in\":" + lifetime + "}";
    }

    @Test
    void aValidTokenIsServedFromCacheWithoutAnotherRequest() {
        TestClient client = SERVER.register(Map.of("scope", "read write"));
        CountingHttpClient http = new CountingHttpClient();
        try (TokenManager tokens = managerFor(client).scopes("read").httpClient(http).build()) {
            String first = tokens.getAccessToken();
            for (int i = 0; i < 1000; i++) {
                assertThat(tokens.getAccessToken()).isEqualTo(first);
            }
            assertThat(http.sent()).isEqualTo(1);
            assertThat(tokens.getCredentials().scopes()).containsExactly("read");
        }
    }

    @Test
    void aheadOfExpiryTheTokenIsRefreshedInTheBackgroundWhileCallersKeepTheValidOne() {
        TestClient client = SERVER.register(Map.of("scope", "read"));
        CountingHttpClient http = new CountingHttpClient();
        FakeTime time = FakeTime.startingNow();
        try (TokenManager tokens = managerFor(client).httpClient(http).timeSource(time).build()) {
            String first = tokens.getAccessToken();

            time.advance(Duration.ofSeconds(3600 - 59)); // inside the 60 s margin, still valid
            assertThat(tokens.getAccessToken()).as("the caller does not wait").isEqualTo(first);

            await().atMost(Duration.ofSeconds(10)).until(() -> !tokens.getAccessToken().equals(first));
            assertThat(http.sent()).isEqualTo(2);
        }
    }

    @Test
    void shortLivedTokensAreRenewedBeforeTheyExpireInRealTime() {
        TestClient client = SERVER.register(Map.of("scope", "read", "access_token_ttl", 2));
        CountingHttpClient http = new CountingHttpClient();
        try (TokenManager tokens = managerFor(client).httpClient(http).build()) {
            Set<String> seen = new HashSet<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (seen.size() < 3 && System.nanoTime() < deadline) {
                String token = tokens.getAccessToken();
                seen.add(token);
                assertThat(Http.json(Http.postForm(SERVER.uri("/oauth2/introspect"), client.basicHeader(),
                        Map.of("token", token)))).as("every token handed out is active").containsEntry("active", true);
            }
            assertThat(seen).hasSize(3);
            assertThat(http.sent()).isBetween(3, 4);
        }
    }

    @Test
    void aThousandConcurrentCallersWithoutATokenCauseExactlyOneRequest() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read"));
        CountingHttpClient http = new CountingHttpClient();
        int callers = 1000;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try (TokenManager tokens = managerFor(client).httpClient(http).build()) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return tokens.getAccessToken();
                }));
            }
            start.countDown();
            Set<String> distinct = new HashSet<>();
            for (Future<String> result : results) {
                distinct.add(result.get(30, TimeUnit.SECONDS));
            }

            assertThat(distinct).hasSize(1);
            assertThat(http.sent()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedRefreshKeepsServingTheValidTokenAndRetriesWithBackoff() {
        AtomicInteger calls = new AtomicInteger();
        try (StubServer stub = new StubServer(seen -> {
            int n = calls.incrementAndGet();
            return n == 2 || n == 3 ? Answer.json(503, "{\"error\":\"temporarily_unavailable\"}")
                    : Answer.json(200, accessToken(3600, n));
        })) {
            FakeTime time = FakeTime.startingNow();
            try (TokenManager tokens = TokenManager.builder(stub.uri("/token"))
                    .clientCredentials(ClientAuthentication.basic("id", "secret")).timeSource(time).build()) {
                String first = tokens.getAccessToken();
                time.advance(Duration.ofSeconds(3600 - 30));

                List<String> served = new CopyOnWriteArrayList<>();
                await().atMost(Duration.ofSeconds(15)).until(() -> {
                    String token = tokens.getAccessToken();
                    served.add(token);
                    return !token.equals(first);
                });

                assertThat(calls.get()).as("two failures, then success").isEqualTo(4);
                assertThat(served.subList(0, served.size() - 1)).containsOnly(first);
            }
        }
    }

    @Test
    void withNoValidTokenLeftCallersGetTheOAuthError() {
        try (StubServer stub = new StubServer(seen -> Answer.json(401,
                "{\"error\":\"invalid_client\",\"error_description\":\"Client authentication failed\"}"))) {
            try (TokenManager tokens = TokenManager.builder(stub.uri("/token"))
                    .clientCredentials(ClientAuthentication.basic("id", "the-secret-value")).build()) {
                assertThatThrownBy(tokens::getAccessToken)
                        .isInstanceOfSatisfying(OAuthErrorException.class, e -> {
                            assertThat(e.error()).isEqualTo("invalid_client");
                            assertThat(e.errorDescription()).isEqualTo("Client authentication failed");
                            assertThat(e.status()).isEqualTo(401);
                            assertThat(e.getMessage()).doesNotContain("the-secret-value");
                        });
            }
        }
    }

    @Test
    void anUnreachableServerIsATokenExceptionWhenNoValidTokenIsLeft() {
        try (TokenManager tokens = TokenManager.builder(URI.create("http://127.0.0.1:1/token"))
                .clientCredentials(ClientAuthentication.basic("id", "secret")).build()) {
            assertThatThrownBy(tokens::getAccessToken).isInstanceOf(TokenException.class)
                    .hasMessageContaining("unreachable");
        }
    }

    @Test
    void aRejectedRefreshTokenFallsBackToClientCredentials() throws Exception {
        TestClient client = SERVER.registerRefreshClient(Map.of());
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        CountingHttpClient http = new CountingHttpClient();
        try (TokenManager tokens = managerFor(client).httpClient(http).credentialStore(store).build()) {
            String first = tokens.getAccessToken();
            String refresh = store.load().orElseThrow().refreshToken();
            Http.postForm(SERVER.uri("/oauth2/revoke"), client.basicHeader(), Map.of("token", refresh));

            tokens.invalidate(first);
            String second = tokens.getAccessToken();

            assertThat(second).isNotEqualTo(first);
            assertThat(http.sent()).as("cc, refused refresh, cc again").isEqualTo(3);
            assertThat(store.load().orElseThrow().refreshToken()).isNotEqualTo(refresh);
        }
    }

    @Test
    void aRefreshTokenObtainedElsewhereIsUsedAndEachRotationIsPersisted() throws Exception {
        TestClient client = SERVER.registerRefreshClient(Map.of());
        String obtained = (String) Http.json(Http.postForm(SERVER.tokenEndpoint(), client.basicHeader(),
                Map.of("grant_type", "client_credentials"))).get("refresh_token");
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        try (TokenManager tokens = TokenManager.builder(SERVER.tokenEndpoint())
                .refreshToken(obtained, ClientAuthentication.basic(client.id(), client.secret()))
                .credentialStore(store).build()) {
            String first = tokens.getAccessToken();
            String rotated = store.load().orElseThrow().refreshToken();
            assertThat(rotated).isNotEqualTo(obtained);

            tokens.invalidate(first);
            tokens.getAccessToken();

            assertThat(store.load().orElseThrow().refreshToken()).isNotIn(obtained, rotated);
        }
    }

    @Test
    void aStoredTokenOfUnknownLifetimeIsUsedButRefreshedAtTheNextOpportunity() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read"));
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        store.save(Credentials.fromJson("{\"access_token\":\"stored-token-of-unknown-age\",\"expires_in\":3600}"));
        CountingHttpClient http = new CountingHttpClient();
        try (TokenManager tokens = managerFor(client).httpClient(http).credentialStore(store).build()) {
            assertThat(tokens.getAccessToken()).as("used at once").isEqualTo("stored-token-of-unknown-age");

            await().atMost(Duration.ofSeconds(10)).until(() -> !tokens.getAccessToken().equals("stored-token-of-unknown-age"));
            assertThat(http.sent()).isEqualTo(1);
        }
    }

    @Test
    void eachRotatedRefreshTokenIsStoredBeforeItIsSent() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        AtomicInteger issued = new AtomicInteger();
        try (StubServer stub = new StubServer(seen -> {
            String used = seen.body().replaceAll(".*refresh_token=([^&]*).*", "$1");
            events.add("sent " + (seen.body().contains("grant_type=refresh_token") ? used : "cc"));
            int n = issued.incrementAndGet();
            return Answer.json(200, "{\"access_token\":\"at-" + n + "\",\"refresh_token\":\"rt-" + n
                    + "\",\"expires_in\":3600}");
        })) {
            CredentialStore recording = new CredentialStore() {
                private final InMemoryCredentialStore inner = new InMemoryCredentialStore();

                public java.util.Optional<Credentials> load() {
                    return inner.load();
                }

                public void save(Credentials credentials) {
                    events.add("saved " + credentials.refreshToken());
                    inner.save(credentials);
                }

                public <T> T locked(java.util.concurrent.Callable<T> action) throws Exception {
                    return inner.locked(action);
                }
            };
            try (TokenManager tokens = TokenManager.builder(stub.uri("/token"))
                    .clientCredentials(ClientAuthentication.basic("id", "secret")).credentialStore(recording).build()) {
                for (int i = 0; i < 3; i++) {
                    tokens.invalidate(tokens.getAccessToken());
                }
                tokens.getAccessToken();
            }
        }
        assertThat(events).containsExactly("sent cc", "saved rt-1", "sent rt-1", "saved rt-2", "sent rt-2",
                "saved rt-3", "sent rt-3", "saved rt-4");
    }

    @Test
    void theExpiryIsFixedWhenTheResponseArrivesAndSkewIsTakenOut() {
        FakeTime time = new FakeTime(Instant.parse("2026-01-01T00:00:00Z"));
        long serverAhead = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond() + 300; // server 5 min ahead
        AtomicInteger n = new AtomicInteger();
        try (StubServer stub = new StubServer(seen -> Answer.json(200, "{\"access_token\":\"at-" + n.incrementAndGet()
                + "\",\"expires_in\":600,\"created_at\":" + serverAhead + "}"))) {
            try (TokenManager tokens = TokenManager.builder(stub.uri("/token"))
                    .clientCredentials(ClientAuthentication.basic("id", "secret")).timeSource(time)
                    .refreshMargin(Duration.ZERO).build()) {
                assertThat(tokens.getAccessToken()).isEqualTo("at-1");
                assertThat(tokens.getCredentials().expiresAt()).isEqualTo(Instant.parse("2026-01-01T00:10:00Z"));

                time.advance(Duration.ofSeconds(599));
                assertThat(tokens.getAccessToken()).as("valid for 600 s of our clock, not 300 or 900").isEqualTo("at-1");
                time.advance(Duration.ofSeconds(1));
                assertThat(tokens.getAccessToken()).isEqualTo("at-2");
            }
        }
    }
}
