package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import dev.latchkey.core.key.MasterKey;
import dev.latchkey.server.testing.Clients;
import dev.latchkey.server.testing.FamilyRaces;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.Node;
import dev.latchkey.server.testing.OAuth;
import dev.latchkey.server.testing.Rfc7592;
import dev.latchkey.server.testing.ServerProcess;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.store.jdbc.PostgresDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two Latchkey processes on one PostgreSQL database, with the same issuer and master key, behave
 * as one service.
 */
class MultiNodeTest {

    static PostgresDatabase database;
    static Map<String, String> shared;
    static Node a;
    static Node b;

    @TempDir
    static Path dirs;

    @BeforeAll
    static void startTwoNodes() throws Exception {
        database = PostgresDatabase.create();
        shared = Map.of(
                "LATCHKEY_ISSUER", "http://latchkey.cluster.test",
                "LATCHKEY_MASTER_KEY", MasterKey.generate().encoded(),
                "LATCHKEY_KEY_ACTIVATION_DELAY", "2",
                // Polling this slow cannot deliver a change within a second: only LISTEN/NOTIFY can.
                "LATCHKEY_CHANGE_POLL_MS", "5000",
                // Usage counts, which carry the token quotas between nodes, flushed often.
                "LATCHKEY_USAGE_FLUSH_MS", "300");
        a = Node.start(withDb("latchkey-node-a"), dirs.resolve("a"));
        b = Node.start(withDb("latchkey-node-b"), dirs.resolve("b"));
    }

    private static Map<String, String> withDb(String applicationName) {
        Map<String, String> environment = new java.util.HashMap<>(shared);
        environment.put("LATCHKEY_DB_URL", database.url() + "&ApplicationName=" + applicationName);
        return environment;
    }

    @AfterAll
    static void stop() throws Exception {
        for (Node node : new Node[] {a, b}) {
            if (node != null) {
                node.close();
            }
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void clientRegisteredOnOneNodeGetsTokensOnTheOther() throws Exception {
        TestClient client = a.register(Map.of("scope", "read"));

        AccessTokenResponse response = OAuth.clientCredentials(b, client);

        assertThat(response.getTokens().getAccessToken().getScope().toString()).isEqualTo("read");
        assertThat(OAuth.introspect(a, client, response.getTokens().getAccessToken().getValue()).isActive()).isTrue();
    }

    /**
     * Issue 17: a DPoP proof and a private_key_jwt assertion are single use on every node (their jti
     * is spent in the shared database), so one replayed to the other node is refused.
     */
    @Test
    void aDpopProofOrAClientAssertionUsedOnOneNodeIsRefusedOnTheOther() throws Exception {
        com.nimbusds.jose.jwk.ECKey key = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(
                com.nimbusds.jose.jwk.Curve.P_256).keyID("k1").generate();
        java.net.URI publicToken = java.net.URI.create(shared.get("LATCHKEY_ISSUER") + "/oauth2/token");
        TestClient client = a.register(Map.of("scope", "read"));
        String proof = new com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory(key,
                com.nimbusds.jose.JWSAlgorithm.ES256).createDPoPJWT("POST", publicToken).serialize();
        for (Node node : new Node[] {a, b}) {
            java.net.http.HttpResponse<String> answer = Http.send(java.net.http.HttpRequest.newBuilder(
                    node.uri("/oauth2/token")).header("Authorization", client.basicHeader()).header("DPoP", proof)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(node == a ? 200 : 400);
            if (node == b) {
                assertThat(Http.json(answer)).containsEntry("error", "invalid_dpop_proof");
            }
        }

        TestClient asserting = b.register(Map.of("scope", "read", "token_endpoint_auth_method", "private_key_jwt",
                "jwks", Map.of("keys", List.of(key.toPublicJWK().toJSONObject()))));
        com.nimbusds.jwt.SignedJWT assertion = new com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT(
                new com.nimbusds.oauth2.sdk.id.ClientID(asserting.id()), publicToken,
                com.nimbusds.jose.JWSAlgorithm.ES256, key.toECPrivateKey(), "k1", null).getClientAssertion();
        for (Node node : new Node[] {b, a}) {
            HttpResponse<String> answer = Http.postForm(node.uri("/oauth2/token"), null, Map.of("grant_type",
                    "client_credentials", "client_id", asserting.id(), "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion", assertion.serialize()));
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(node == b ? 200 : 401);
        }
    }

    /**
     * Issue 17, item 5: a token quota holds across nodes through the usage counts each node flushes
     * (no write per request): once node a's three tokens are flushed, node b grants only the two left.
     */
    @Test
    void aTokenQuotaSpentOnOneNodeIsHonouredOnTheOther() throws Exception {
        TestClient client = a.register(Map.of("scope", "read", "token_quota_per_hour", 5));
        for (int i = 0; i < 3; i++) {
            OAuth.clientCredentials(a, client);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> flushedTokens(client.id()) == 3);
        int grantedOnB = 0;
        HttpResponse<String> answer;
        while ((answer = Http.postForm(b.uri("/oauth2/token"), client.basicHeader(),
                Map.of("grant_type", "client_credentials"))).statusCode() == 200 && grantedOnB < 10) {
            grantedOnB++;
        }
        assertThat(grantedOnB).isEqualTo(2);
        assertThat(Http.json(answer)).containsEntry("error", "quota_exceeded");
    }

    private static long flushedTokens(String clientId) throws Exception {
        try (var c = DriverManager.getConnection(database.url());
             var ps = c.prepareStatement("SELECT COALESCE(SUM(issued), 0) FROM usage_counts WHERE client_id = ?")) {
            ps.setString(1, clientId);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void refreshTokenIssuedOnOneNodeRotatesOnTheOtherAndItsReplayRevokesTheFamily() throws Exception {
        TestClient client = a.register(Clients.refreshClient(Map.of()));
        String first = OAuth.clientCredentials(a, client).getTokens().getRefreshToken().getValue();

        AccessTokenResponse onB = OAuth.refresh(b, client, first).toSuccessResponse();
        var replayOnA = OAuth.refresh(a, client, first);

        assertThat(replayOnA.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");
        assertThat(OAuth.refresh(b, client, onB.getTokens().getRefreshToken().getValue()).indicatesSuccess())
                .as("the successor issued on B died with its family").isFalse();
    }

    @Test
    void concurrentRefreshesSpreadOverBothNodesLetExactlyOneWin() throws Exception {
        TestClient client = a.register(Clients.refreshClient(Map.of()));
        String refresh = OAuth.clientCredentials(a, client).getTokens().getRefreshToken().getValue();
        int racers = 32;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            Node node = i % 2 == 0 ? a : b;
            futures.add(pool.submit(() -> {
                start.await();
                return Http.postForm(node.tokenEndpoint(), client.basicHeader(),
                        Map.of("grant_type", "refresh_token", "refresh_token", refresh));
            }));
        }
        start.countDown();
        int wins = 0;
        for (Future<HttpResponse<String>> future : futures) {
            HttpResponse<String> response = future.get(30, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isIn(200, 400);
            wins += response.statusCode() == 200 ? 1 : 0;
        }
        pool.shutdown();

        assertThat(wins).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(FamilyRaces.Revocation.class)
    void refreshOnOneNodeRacingAFamilyRevocationOnTheOtherLeavesNoSurvivor(FamilyRaces.Revocation kind)
            throws Exception {
        TestClient client = a.register(Clients.refreshClient(Map.of("access_token_format", "opaque")));

        FamilyRaces.Result result = FamilyRaces.run(a, b, client, kind, 300, 16);

        assertThat(result.survivors()).as("%s refreshes won their race", result.refreshesThatWon()).isEmpty();
    }

    @Test
    void aClientThatTriesToRaiseItsOwnScopesOnOneNodeGetsNothingMoreOnTheOther() throws Exception {
        TestClient client = a.register(Map.of("scope", "read", "grant_types", List.of("client_credentials")));

        var refused = Rfc7592.update(a, client, client.registrationToken(), Rfc7592.everythingWidened());

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(Http.json(refused)).containsEntry("error", "invalid_client_metadata");
        var token = Http.json(Http.postForm(b.tokenEndpoint(), client.basicHeader(),
                Map.of("grant_type", "client_credentials", "scope", "admin")));
        assertThat(token).containsEntry("error", "invalid_scope");
        assertThat(Http.json(Http.postForm(b.tokenEndpoint(), client.basicHeader(),
                Map.of("grant_type", "client_credentials", "resource", "https://bank.example/"))))
                .containsEntry("error", "invalid_target");
        assertThat(Http.json(Http.postForm(b.tokenEndpoint(), client.basicHeader(),
                Map.of("grant_type", "client_credentials")))).containsEntry("scope", "read")
                .doesNotContainKey("refresh_token");
    }

    @Test
    void opaqueTokenRevokedOnOneNodeIsInactiveOnTheOtherAtOnce() throws Exception {
        TestClient client = a.register(Map.of("scope", "read", "access_token_format", "opaque"));
        String token = OAuth.clientCredentials(a, client).getTokens().getAccessToken().getValue();
        assertThat(OAuth.introspect(a, client, token).isActive()).isTrue();

        OAuth.revoke(b, client, new BearerAccessToken(token));

        assertThat(OAuth.introspect(a, client, token).isActive()).isFalse();
    }

    @Test
    void jwtRevokedOnOneNodeIsInactiveOnTheOtherWithinASecond() throws Exception {
        TestClient client = a.register(Clients.refreshClient(Map.of()));
        AccessTokenResponse issued = OAuth.clientCredentials(a, client);
        String single = OAuth.clientCredentials(a, client).getTokens().getAccessToken().getValue();
        assertThat(OAuth.introspect(a, client, single).isActive()).isTrue();
        assertThat(OAuth.introspect(a, client, issued.getTokens().getAccessToken().getValue()).isActive()).isTrue();

        long start = System.nanoTime();
        OAuth.revoke(b, client, new BearerAccessToken(single));
        OAuth.revoke(b, client, new RefreshToken(issued.getTokens().getRefreshToken().getValue()));
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).until(() ->
                !OAuth.introspect(a, client, single).isActive()
                        && !OAuth.introspect(a, client, issued.getTokens().getAccessToken().getValue()).isActive());

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }

    private static HttpResponse<String> admin(Node node, String method, String path, String json, String token) {
        return Http.json(node, method, "/admin/api/v1" + path, json, token);
    }

    private static String tokenError(Node node, TestClient client) throws Exception {
        var response = OAuth.token(node, client, new com.nimbusds.oauth2.sdk.ClientCredentialsGrant(), null);
        return response.indicatesSuccess() ? "none" : response.toErrorResponse().getErrorObject().getCode();
    }

    /** Issue 14, data: the change feed carries secret and status changes to every node within 1 s. */
    @Test
    void aSecretRevokedOrAClientDisabledOnOneNodeIsRefusedOnTheOtherWithinASecond() throws Exception {
        TestClient automation = a.register(Map.of("scope", "latchkey:admin"));
        String token = OAuth.clientCredentials(a, automation).getTokens().getAccessToken().getValue();
        TestClient client = a.register(Map.of("scope", "read"));
        assertThat(tokenError(b, client)).as("B knows the client (and caches it)").isEqualTo("none");

        HttpResponse<String> added = admin(a, "POST", "/clients/" + client.id() + "/secrets", "{\"name\":\"second\"}",
                token);
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        TestClient second = new TestClient(client.id(), (String) Http.json(added).get("client_secret"), null, Map.of());
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                .until(() -> tokenError(b, second).equals("none"));

        long start = System.nanoTime();
        HttpResponse<String> revoked = admin(a, "DELETE", "/clients/" + client.id() + "/secrets/"
                + Http.json(added).get("secret_id"), null, token);
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                .until(() -> tokenError(b, second).equals("invalid_client"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(tokenError(b, client)).as("the first secret still works on B").isEqualTo("none");

        start = System.nanoTime();
        HttpResponse<String> disabled = admin(a, "PATCH", "/clients/" + client.id(), "{\"disabled\":true}", token);
        assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                .until(() -> tokenError(b, client).equals("invalid_client"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(tokenError(a, client)).isEqualTo("invalid_client");

        admin(a, "PATCH", "/clients/" + client.id(), "{\"disabled\":false}", token);
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                .until(() -> tokenError(b, client).equals("none"));
    }

    @Test
    void keyRotatedFromTheCommandLineAppearsInEveryNodesJwks() throws Exception {
        int before = JWKSet.parse(Http.get(a.uri("/oauth2/jwks")).body()).size();
        Map<String, String> environment = withDb("latchkey-cli");
        environment = new java.util.HashMap<>(environment);
        environment.put("LATCHKEY_DATA_DIR", dirs.resolve("cli").toString());

        try (ServerProcess rotate = ServerProcess.start(environment, "keys", "rotate")) {
            rotate.awaitLine("is published now", Duration.ofSeconds(60));
            assertThat(rotate.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(rotate.process().exitValue()).isZero();
        }

        for (Node node : List.of(a, b)) {
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    JWKSet.parse(Http.get(node.uri("/oauth2/jwks")).body()).size() == before + 1);
        }
    }

    @Test
    void nodeThatLosesItsDatabaseConnectionsReconnectsAndCatchesUp() throws Exception {
        TestClient client = b.register(Map.of("scope", "read"));
        String token = OAuth.clientCredentials(a, client).getTokens().getAccessToken().getValue();
        assertThat(OAuth.introspect(a, client, token).isActive()).isTrue();

        int terminated = terminateBackends("latchkey-node-a");
        OAuth.revoke(b, client, new BearerAccessToken(token));

        assertThat(terminated).as("node A had connections to cut").isPositive();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() ->
                !OAuth.introspect(a, client, token).isActive());
        assertThat(OAuth.clientCredentials(a, client).getTokens().getAccessToken()).isNotNull();
        // A write that failed on a cut connection keeps readiness down for up to 10 s (JdbcTransactor.ping).
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> Http.get(a.uri("/health")).statusCode() == 200);
    }

    private static int terminateBackends(String applicationName) throws Exception {
        try (var c = DriverManager.getConnection(PostgresDatabase.BASE_URL);
             var ps = c.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                     + " WHERE application_name = ?")) {
            ps.setString(1, applicationName);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
