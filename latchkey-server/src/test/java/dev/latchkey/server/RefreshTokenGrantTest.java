package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.OAuth;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RefreshTokenGrantTest {

    private static final int RACERS = 32;

    @RegisterExtension
    static final TestServer SERVER = new TestServer();

    private static String firstRefreshToken(TestClient client) throws Exception {
        return OAuth.clientCredentials(SERVER, client).getTokens().getRefreshToken().getValue();
    }

    @Test
    void refreshRotatesTheRefreshTokenAndIssuesANewAccessToken() throws Exception {
        TestClient client = SERVER.registerRefreshClient(Map.of());
        AccessTokenResponse first = OAuth.clientCredentials(SERVER, client);

        AccessTokenResponse second = OAuth.refresh(SERVER, client, first.getTokens().getRefreshToken().getValue())
                .toSuccessResponse();

        assertThat(second.getTokens().getRefreshToken().getValue())
                .isNotEqualTo(first.getTokens().getRefreshToken().getValue());
        assertThat(second.getTokens().getAccessToken().getValue())
                .isNotEqualTo(first.getTokens().getAccessToken().getValue());
        assertThat(second.getTokens().getAccessToken().getScope()).isEqualTo(Scope.parse("read write"));
        assertThat(OAuth.refresh(SERVER, client, second.getTokens().getRefreshToken().getValue()).indicatesSuccess())
                .isTrue();
    }

    @Test
    void refreshWhenTokenAlreadyRotatedThenFamilyRevoked() throws Exception {
        TestClient client = SERVER.registerRefreshClient(Map.of());
        String original = firstRefreshToken(client);
        AccessTokenResponse rotated = OAuth.refresh(SERVER, client, original).toSuccessResponse();
        String successor = rotated.getTokens().getRefreshToken().getValue();

        TokenResponse replay = OAuth.refresh(SERVER, client, original);

        assertThat(replay.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");
        assertThat(OAuth.refresh(SERVER, client, successor).toErrorResponse().getErrorObject().getCode())
                .isEqualTo("invalid_grant");
        assertThat(OAuth.introspect(SERVER, client, rotated.getTokens().getAccessToken().getValue()).isActive())
                .as("the access token issued with the successor dies with its family").isFalse();
    }

    @Test
    void refreshMayNarrowTheScopeButTheNextRefreshMayWidenItBackToTheOriginalGrant() throws Exception {
        TestClient client = SERVER.registerRefreshClient(Map.of());
        String refresh = firstRefreshToken(client);

        AccessTokenResponse narrowed = OAuth.token(SERVER, client, new RefreshTokenGrant(new RefreshToken(refresh)),
                Scope.parse("read")).toSuccessResponse();
        AccessTokenResponse again = OAuth.refresh(SERVER, client, narrowed.getTokens().getRefreshToken().getValue())
                .toSuccessResponse();

        assertThat(narrowed.getTokens().getAccessToken().getScope()).isEqualTo(Scope.parse("read"));
        assertThat(again.getTokens().getAccessToken().getScope()).isEqualTo(Scope.parse("read write"));
    }

    @Test
    void refreshAskingForMoreThanTheOriginalGrantIsInvalidScope() throws Exception {
        TestClient client = SERVER.registerRefreshClient(Map.of());
        String refresh = OAuth.token(SERVER, client, new com.nimbusds.oauth2.sdk.ClientCredentialsGrant(),
                Scope.parse("read")).toSuccessResponse().getTokens().getRefreshToken().getValue();

        TokenResponse widened = OAuth.token(SERVER, client, new RefreshTokenGrant(new RefreshToken(refresh)),
                Scope.parse("read write"));

        assertThat(widened.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_scope");
        assertThat(OAuth.refresh(SERVER, client, refresh).indicatesSuccess())
                .as("a refused request does not spend the refresh token").isTrue();
    }

    @Test
    void refreshTokenOfAnotherClientIsInvalidGrant() throws Exception {
        TestClient owner = SERVER.registerRefreshClient(Map.of());
        TestClient thief = SERVER.registerRefreshClient(Map.of());
        String refresh = firstRefreshToken(owner);

        assertThat(OAuth.refresh(SERVER, thief, refresh).toErrorResponse().getErrorObject().getCode())
                .isEqualTo("invalid_grant");
        assertThat(OAuth.refresh(SERVER, owner, refresh).indicatesSuccess()).isTrue();
    }

    @Test
    void unknownRefreshTokenIsInvalidGrant() throws Exception {
        TestClient client = SERVER.registerRefreshClient(Map.of());

        assertThat(OAuth.refresh(SERVER, client, "no-such-refresh-token").toErrorResponse().getErrorObject().getCode())
                .isEqualTo("invalid_grant");
    }

    @Test
    void refreshTokenPastItsLifetimeIsInvalidGrant() throws Exception {
        TestClient client = SERVER.registerRefreshClient(Map.of("refresh_token_ttl", 5));
        String refresh = firstRefreshToken(client);

        SERVER.clock().advance(Duration.ofSeconds(6));

        assertThat(OAuth.refresh(SERVER, client, refresh).toErrorResponse().getErrorObject().getCode())
                .isEqualTo("invalid_grant");
    }

    @Test
    void concurrentRefreshesWithOneTokenLetExactlyOneWin() throws Exception {
        TestClient client = SERVER.registerRefreshClient(Map.of());
        String refresh = firstRefreshToken(client);

        List<HttpResponse<String>> responses = race(client, refresh);

        long wins = responses.stream().filter(r -> r.statusCode() == 200).count();
        assertThat(wins).isEqualTo(1);
        assertThat(responses).filteredOn(r -> r.statusCode() != 200)
                .allSatisfy(r -> assertThat(Http.json(r)).containsEntry("error", "invalid_grant"));
    }

    @Test
    void withAGraceWindowARetriedRefreshGetsTheVerySameSuccessorPair() throws Exception {
        TestClient client = SERVER.registerRefreshClient(Map.of("refresh_token_grace_seconds", 30));
        String refresh = firstRefreshToken(client);

        AccessTokenResponse first = OAuth.refresh(SERVER, client, refresh).toSuccessResponse();
        SERVER.clock().advance(Duration.ofSeconds(10));
        AccessTokenResponse retry = OAuth.refresh(SERVER, client, refresh).toSuccessResponse();

        assertThat(retry.getTokens().getRefreshToken()).isEqualTo(first.getTokens().getRefreshToken());
        assertThat(retry.getTokens().getAccessToken().getValue()).isEqualTo(first.getTokens().getAccessToken().getValue());
        assertThat(OAuth.refresh(SERVER, client, first.getTokens().getRefreshToken().getValue()).indicatesSuccess())
                .as("the successor still works: the retry revoked nothing").isTrue();
    }

    @Test
    void withAGraceWindowConcurrentRefreshesAllGetOneAndTheSamePair() throws Exception {
        TestClient client = SERVER.registerRefreshClient(Map.of("refresh_token_grace_seconds", 30));
        String refresh = firstRefreshToken(client);

        List<HttpResponse<String>> responses = race(client, refresh);

        assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
        assertThat(responses.stream().map(r -> Http.json(r).get("refresh_token")).distinct()).hasSize(1);
        assertThat(responses.stream().map(r -> Http.json(r).get("access_token")).distinct()).hasSize(1);
        String successor = (String) Http.json(responses.get(0)).get("refresh_token");
        assertThat(OAuth.refresh(SERVER, client, successor).indicatesSuccess()).isTrue();
    }

    @Test
    void afterTheGraceWindowAReplayRevokesTheFamily() throws Exception {
        TestClient client = SERVER.registerRefreshClient(Map.of("refresh_token_grace_seconds", 5));
        String refresh = firstRefreshToken(client);
        String successor = OAuth.refresh(SERVER, client, refresh).toSuccessResponse()
                .getTokens().getRefreshToken().getValue();

        SERVER.clock().advance(Duration.ofSeconds(6));

        assertThat(OAuth.refresh(SERVER, client, refresh).toErrorResponse().getErrorObject().getCode())
                .isEqualTo("invalid_grant");
        assertThat(OAuth.refresh(SERVER, client, successor).indicatesSuccess()).isFalse();
    }

    @Test
    void withinTheGraceWindowAReplayAfterTheSuccessorWasUsedRevokesTheFamily() throws Exception {
        TestClient client = SERVER.registerRefreshClient(Map.of("refresh_token_grace_seconds", 30));
        String refresh = firstRefreshToken(client);
        String successor = OAuth.refresh(SERVER, client, refresh).toSuccessResponse()
                .getTokens().getRefreshToken().getValue();
        String third = OAuth.refresh(SERVER, client, successor).toSuccessResponse()
                .getTokens().getRefreshToken().getValue();

        assertThat(OAuth.refresh(SERVER, client, refresh).toErrorResponse().getErrorObject().getCode())
                .isEqualTo("invalid_grant");
        assertThat(OAuth.refresh(SERVER, client, third).indicatesSuccess()).isFalse();
    }

    private static List<HttpResponse<String>> race(TestClient client, String refresh) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(RACERS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < RACERS; i++) {
                Callable<HttpResponse<String>> call = () -> {
                    start.await();
                    return Http.postForm(SERVER.tokenEndpoint(), client.basicHeader(),
                            Map.of("grant_type", "refresh_token", "refresh_token", refresh));
                };
                futures.add(pool.submit(call));
            }
            start.countDown();
            List<HttpResponse<String>> responses = new ArrayList<>();
            for (Future<HttpResponse<String>> future : futures) {
                responses.add(future.get());
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Issue 12, item 15: a family may have an absolute lifetime, which rotation does not extend. */
    @Test
    void aFamilyWithAnAbsoluteLifetimeEndsThenWhateverItsRotations() throws Exception {
        TestClient client = SERVER.registerRefreshClient(Map.of("refresh_token_ttl", 3600,
                "refresh_token_absolute_ttl", 100));
        long start = SERVER.clock().instant().getEpochSecond();
        String first = firstRefreshToken(client);

        SERVER.clock().advance(Duration.ofSeconds(60));
        String second = OAuth.refresh(SERVER, client, first).toSuccessResponse().getTokens().getRefreshToken().getValue();
        assertThat(OAuth.introspect(SERVER, client, second).getExpirationTime().toInstant().getEpochSecond())
                .isEqualTo(start + 100);

        SERVER.clock().advance(Duration.ofSeconds(41));
        assertThat(OAuth.refresh(SERVER, client, second).toErrorResponse().getErrorObject().getCode())
                .isEqualTo("invalid_grant");
    }
}
