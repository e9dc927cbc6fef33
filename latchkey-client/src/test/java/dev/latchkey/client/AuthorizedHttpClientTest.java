package dev.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.client.testing.CountingHttpClient;
import dev.latchkey.client.testing.StubServer.Answer;
import dev.latchkey.client.testing.StubServer;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AuthorizedHttpClientTest {

    @RegisterExtension
    static final TestServer SERVER = TestServer.realTime(config -> config);

    @Test
    void requestsCarryTheBearerToken() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read"));
        try (StubServer api = new StubServer(seen -> Answer.json(200, "{}"));
             TokenManager tokens = TokenManager.builder(SERVER.tokenEndpoint())
                     .clientCredentials(ClientAuthentication.basic(client.id(), client.secret())).build()) {
            AuthorizedHttpClient http = new AuthorizedHttpClient(HttpClient.newHttpClient(), tokens);

            http.send(HttpRequest.newBuilder(api.uri("/things")).header("Authorization", "Basic old").GET().build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(api.seen().get(0).headers().get("Authorization")).containsExactly("Bearer " + tokens.getAccessToken());
        }
    }

    @Test
    void fiftyParallelCallsRejectedWithOneTokenCauseOneRefreshAndEachIsRetriedOnce() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read"));
        Set<String> revokedAtTheApi = ConcurrentHashMap.newKeySet();
        try (StubServer api = new StubServer(seen -> {
            String token = seen.headers().get("Authorization").get(0).substring("Bearer ".length());
            return revokedAtTheApi.contains(token)
                    ? new Answer(401, Map.of("WWW-Authenticate", "Bearer realm=\"api\", error=\"invalid_token\""), "")
                    : Answer.json(200, "{\"ok\":true}");
        })) {
            CountingHttpClient tokenHttp = new CountingHttpClient();
            try (TokenManager tokens = TokenManager.builder(SERVER.tokenEndpoint())
                    .clientCredentials(ClientAuthentication.basic(client.id(), client.secret()))
                    .httpClient(tokenHttp).build()) {
                String first = tokens.getAccessToken();
                revokedAtTheApi.add(first);
                AuthorizedHttpClient http = new AuthorizedHttpClient(HttpClient.newHttpClient(), tokens);
                ExecutorService pool = Executors.newFixedThreadPool(50);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<HttpResponse<String>>> calls = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    calls.add(pool.submit(() -> {
                        start.await();
                        return http.send(HttpRequest.newBuilder(api.uri("/things")).GET().build(),
                                HttpResponse.BodyHandlers.ofString());
                    }));
                }
                start.countDown();
                for (Future<HttpResponse<String>> call : calls) {
                    assertThat(call.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
                }
                pool.shutdown();

                assertThat(tokenHttp.sent()).as("the first token and one refresh").isEqualTo(2);
                assertThat(api.seen()).hasSizeBetween(51, 100);
            }
        }
    }

    @Test
    void a401WithoutTheInvalidTokenChallengeIsReturnedAsIs() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read"));
        try (StubServer api = new StubServer(seen -> new Answer(401, Map.of("WWW-Authenticate", "Basic realm=\"x\""), ""));
             TokenManager tokens = TokenManager.builder(SERVER.tokenEndpoint())
                     .clientCredentials(ClientAuthentication.basic(client.id(), client.secret())).build()) {
            HttpResponse<String> response = new AuthorizedHttpClient(HttpClient.newHttpClient(), tokens)
                    .send(HttpRequest.newBuilder(api.uri("/")).GET().build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(api.seen()).hasSize(1);
        }
    }
}
