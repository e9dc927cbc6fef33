package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.JWTBearerGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.sun.net.httpserver.HttpServer;
import dev.latchkey.core.audit.Actor;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, item 6: workload identity federation. An operator's federation file trusts a CI system
 * (keys at a jwks_uri served here on loopback) and a Kubernetes cluster (keys inline, its own
 * audience); their JWTs get the mapped client's tokens through the JWT bearer grant (RFC 7523 §2.1,
 * the Nimbus SDK's JWTBearerGrant, no client credentials) and stand for that client as a token
 * exchange's subject_token (RFC 8693, token type jwt). Untrusted, forged, expired, misaddressed and
 * unmapped JWTs are refused; the file is read again when it changes, and a broken change keeps the
 * previous trust.
 */
class FederationTest {

    static final String CI = "https://ci.example";
    static final String CLUSTER = "https://cluster.example";
    static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    static final String EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String WORKER_SUB = "system:serviceaccount:payments:worker";

    @TempDir
    static Path dir;
    static Path file;
    static TestServer server;
    static HttpServer jwks;
    static final AtomicInteger FETCHES = new AtomicInteger();
    static RSAKey ciKey;
    static ECKey clusterKey;
    static TestClient deployer;
    static TestClient worker;
    static TestClient plain;

    @BeforeAll
    static void start() throws Exception {
        ciKey = new RSAKeyGenerator(2048).keyID("ci-1").generate();
        clusterKey = new ECKeyGenerator(Curve.P_256).keyID("k8s-1").generate();
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/jwks", exchange -> {
            FETCHES.incrementAndGet();
            byte[] body = new JWKSet(ciKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Cache-Control", "max-age=3600");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwks.start();
        // Client ids exist only once clients are registered: the file names a placeholder first.
        file = dir.resolve("federation.json");
        write("placeholder", "placeholder", "placeholder");
        server = TestServer.startNew(config -> config.toBuilder().federation(file).build());
        deployer = server.register(Map.of("client_name", "deployer", "scope", "deploy read",
                "grant_types", List.of(JWT_BEARER), "token_endpoint_auth_method", "none"));
        worker = server.register(Map.of("client_name", "payments worker", "scope", "payments:read payments:write",
                "grant_types", List.of("client_credentials")));
        plain = server.register(Map.of("client_name", "not federated", "scope", "deploy"));
        write(deployer.id(), worker.id(), plain.id());
    }

    @AfterAll
    static void stop() {
        jwks.stop(0);
        server.close();
    }

    /** The deployer for main of acme/api (at most deploy), the worker's service account, and a client not registered for the grant. */
    static void write(String deployerId, String workerId, String plainId, String... clusterAudiences) throws Exception {
        Map<String, Object> federation = Map.of("issuers", List.of(
                Map.of("issuer", CI, "jwks_uri", "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks",
                        "rules", List.of(
                                Map.of("client_id", deployerId, "scope", "deploy",
                                        "claims", Map.of("repository", "acme/api", "ref", "refs/heads/main")),
                                Map.of("client_id", plainId, "claims", Map.of("repository", "acme/plain")))),
                Map.of("issuer", CLUSTER, "jwks", Map.of("keys", List.of(clusterKey.toPublicJWK().toJSONObject())),
                        "audiences", clusterAudiences.length == 0 ? List.of("latchkey") : List.of(clusterAudiences),
                        "rules", List.of(Map.of("client_id", workerId, "claims", Map.of("sub", WORKER_SUB))))));
        Files.writeString(file, Http.toJson(federation));
    }

    static Instant now() {
        return server.clock().instant();
    }

    static JWTClaimsSet.Builder ciClaims() {
        return new JWTClaimsSet.Builder().issuer(CI).subject("repo:acme/api:ref:refs/heads/main")
                .audience(server.issuer()).issueTime(Date.from(now())).expirationTime(Date.from(now().plusSeconds(300)))
                .jwtID("run-1").claim("repository", "acme/api").claim("ref", "refs/heads/main");
    }

    static SignedJWT ci(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        return signed(ciKey, change.apply(ciClaims()).build());
    }

    static SignedJWT signed(RSAKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt;
    }

    static String cluster(String sub, String audience) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k8s-1").build(),
                new JWTClaimsSet.Builder().issuer(CLUSTER).subject(sub).audience(audience)
                        .issueTime(Date.from(now())).expirationTime(Date.from(now().plusSeconds(3600))).build());
        jwt.sign(new ECDSASigner(clusterKey));
        return jwt.serialize();
    }

    static HttpResponse<String> bearer(String assertion, Map<String, String> extra, String authorization) {
        Map<String, String> form = new HashMap<>(Map.of("grant_type", JWT_BEARER, "assertion", assertion));
        form.putAll(extra);
        return Http.postForm(server.tokenEndpoint(), authorization, form);
    }

    static String error(HttpResponse<String> response) {
        return (String) Http.json(response).get("error");
    }

    @Test
    void aCiJobOfTheMainBranchGetsTheDeployersTokenWithNoClientCredentials() throws Exception {
        TokenRequest request = new TokenRequest(server.tokenEndpoint(), new JWTBearerGrant(ci(b -> b)), null);
        TokenResponse response = TokenResponse.parse(request.toHTTPRequest().send());

        assertThat(response.indicatesSuccess()).as(() -> response.toErrorResponse().toJSONObject().toString()).isTrue();
        var tokens = response.toSuccessResponse().getTokens();
        JWTClaimsSet claims = SignedJWT.parse(tokens.getAccessToken().getValue()).getJWTClaimsSet();
        assertThat(claims.getSubject()).as("the client's own token").isEqualTo(deployer.id());
        assertThat(claims.getStringClaim("client_id")).isEqualTo(deployer.id());
        assertThat(claims.getStringClaim("scope")).as("deploy read, within the rule's deploy").isEqualTo("deploy");
        assertThat(tokens.getRefreshToken()).isNull();

        AuthorizationServerMetadata metadata = AuthorizationServerMetadata.resolve(new Issuer(server.issuer()));
        assertThat(metadata.getGrantTypes()).contains(GrantType.JWT_BEARER, GrantType.TOKEN_EXCHANGE);
    }

    @Test
    void aClientThatAuthenticatesMustBeTheOneTheJwtMapsTo() throws Exception {
        String assertion = ci(b -> b).serialize();
        assertThat(Http.json(bearer(assertion, Map.of("client_id", deployer.id()), null)))
                .as("the deployer naming itself (a public client)").containsKey("access_token");
        HttpResponse<String> other = bearer(assertion, Map.of(), plain.basicHeader());
        assertThat(other.statusCode()).isEqualTo(400);
        assertThat(Http.json(other)).containsEntry("error", "invalid_grant")
                .hasEntrySatisfying("error_description", text -> assertThat((String) text).contains("this client"));
        assertThat(error(bearer(assertion, Map.of(), "Basic " + java.util.Base64.getEncoder().encodeToString(
                (plain.id() + ":wrong").getBytes(StandardCharsets.UTF_8))))).as("credentials given are checked")
                .isEqualTo("invalid_client");
    }

    @Test
    void everyUntrustworthyOrUnmappedJwtIsRefused() throws Exception {
        RSAKey forger = new RSAKeyGenerator(2048).keyID("ci-1").generate();
        Map<String, String> refusals = new java.util.LinkedHashMap<>();
        refusals.put("another issuer", ci(b -> b.issuer("https://evil.example")).serialize());
        refusals.put("a forged signature with the same kid", signed(forger, ciClaims().build()).serialize());
        refusals.put("expired", ci(b -> b.expirationTime(Date.from(now().minusSeconds(120)))).serialize());
        refusals.put("addressed to another server", ci(b -> b.audience("https://other.example")).serialize());
        refusals.put("another branch", ci(b -> b.claim("ref", "refs/heads/feature")).serialize());
        refusals.put("a fork", ci(b -> b.claim("repository", "acme/api-fork")).serialize());
        refusals.put("not a JWT", "not-a-jwt");
        refusals.put("the cluster's token with the default audience", cluster(WORKER_SUB, server.issuer()));
        refusals.put("another service account", cluster("system:serviceaccount:payments:other", "latchkey"));
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            HttpResponse<String> response = bearer(refusal.getValue(), Map.of(), null);
            assertThat(response.statusCode()).as(refusal.getKey()).isEqualTo(400);
            assertThat(error(response)).as(refusal.getKey() + ": " + response.body()).isEqualTo("invalid_grant");
            assertThat(response.body()).as("no token").doesNotContain("access_token");
        }
        assertThat(error(bearer(ci(b -> b).serialize(), Map.of("scope", "read"), null)))
                .as("read is the deployer's but beyond the rule").isEqualTo("invalid_scope");
        assertThat(error(bearer(ci(b -> b.claim("repository", "acme/plain")).serialize(), Map.of(), null)))
                .as("a client not registered for the grant").isEqualTo("unauthorized_client");
    }

    @Test
    void aDisabledClientGetsNothing() throws Exception {
        TestClient other = server.register(Map.of("scope", "payments:read", "grant_types", List.of(JWT_BEARER)));
        Path saved = dir.resolve("saved.json");
        Files.copy(file, saved, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try {
            // Another size than the file it replaces: a change is seen by its time and size.
            write(deployer.id(), other.id(), plain.id(), "latchkey", "https://cluster.example/other-audience");
            String assertion = cluster(WORKER_SUB, "latchkey");
            assertThat(Http.json(bearer(assertion, Map.of(), null))).containsKey("access_token");
            server.server().assembly().clientManagement().setDisabled(Actor.commandLine(), other.id(), true);
            assertThat(error(bearer(assertion, Map.of(), null))).isEqualTo("invalid_grant");
        } finally {
            Files.copy(saved, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void aServiceAccountTokenStandsForItsClientInATokenExchange() throws Exception {
        String orders = "https://orders.example/";
        TestClient gateway = server.register(Map.of("client_name", "gateway", "scope", "payments:read",
                "grant_types", List.of(EXCHANGE), "token_exchange_subject_clients", List.of(worker.id()),
                "token_exchange_audiences", List.of(orders)));
        Map<String, String> form = new HashMap<>(Map.of("grant_type", EXCHANGE, "subject_token",
                cluster(WORKER_SUB, "latchkey"), "subject_token_type", "urn:ietf:params:oauth:token-type:jwt",
                "audience", orders));
        HttpResponse<String> response = Http.postForm(server.tokenEndpoint(), gateway.basicHeader(), form);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JWTClaimsSet claims = SignedJWT.parse((String) Http.json(response).get("access_token")).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo(worker.id());
        assertThat(claims.getStringClaim("client_id")).isEqualTo(gateway.id());
        assertThat(claims.getStringClaim("scope")).as("the worker's scope within the gateway's").isEqualTo("payments:read");
        assertThat(claims.getAudience()).containsExactly(orders);

        form.put("subject_token", cluster("system:serviceaccount:payments:other", "latchkey"));
        assertThat(Http.json(Http.postForm(server.tokenEndpoint(), gateway.basicHeader(), form)))
                .as("an unmapped service account").containsEntry("error", "invalid_request");
        form.put("subject_token", ci(b -> b).serialize());
        assertThat(Http.json(Http.postForm(server.tokenEndpoint(), gateway.basicHeader(), form)))
                .as("the deployer is not among the gateway's subject clients").containsEntry("error", "invalid_request");
        form.put("subject_token", cluster(WORKER_SUB, "latchkey"));
        form.put("subject_token_type", "urn:ietf:params:oauth:token-type:saml2");
        assertThat(Http.json(Http.postForm(server.tokenEndpoint(), gateway.basicHeader(), form)))
                .containsEntry("error", "invalid_request");
    }

    @Test
    void theIssuersKeysAreFetchedOnceAndAgainOnlyForAnUnknownKeyAtMostEvery30Seconds() throws Exception {
        bearer(ci(b -> b).serialize(), Map.of(), null);
        int before = FETCHES.get();
        for (int i = 0; i < 5; i++) {
            assertThat(Http.json(bearer(ci(b -> b).serialize(), Map.of(), null))).containsKey("access_token");
        }
        assertThat(FETCHES.get()).as("kept as its Cache-Control says").isEqualTo(before);

        server.clock().advance(Duration.ofSeconds(31));
        RSAKey unknown = new RSAKeyGenerator(2048).keyID("ci-unknown").generate();
        for (int i = 0; i < 5; i++) {
            assertThat(error(bearer(signed(unknown, ciClaims().build()).serialize(), Map.of(), null)))
                    .isEqualTo("invalid_grant");
        }
        assertThat(FETCHES.get()).as("one refetch for a key id it does not hold, not five").isEqualTo(before + 1);
    }

    @Test
    void aBrokenChangeToTheFileKeepsThePreviousTrust() throws Exception {
        String good = Files.readString(file);
        try {
            Files.writeString(file, "{\"issuers\": [{\"issuer\": \"" + CI + "\", \"rule\": []}]}");
            assertThat(Http.json(bearer(ci(b -> b).serialize(), Map.of(), null))).containsKey("access_token");
        } finally {
            Files.writeString(file, good);
        }
        assertThat(Http.json(bearer(ci(b -> b).serialize(), Map.of(), null))).containsKey("access_token");
    }

    @Test
    void failedAssertionsWithoutClientCredentialsCountAgainstTheAddress() throws Exception {
        try (TestServer limited = TestServer.startNew(config -> config.toBuilder().federation(file)
                .failedAttemptsPerMinute(3).build())) {
            Map<String, String> form = Map.of("grant_type", JWT_BEARER, "assertion", "not-a-jwt");
            for (int i = 0; i < 3; i++) {
                assertThat(Http.json(Http.postForm(limited.tokenEndpoint(), null, form)))
                        .containsEntry("error", "invalid_grant");
            }
            HttpResponse<String> refused = Http.postForm(limited.tokenEndpoint(), null, form);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        }
    }
}
