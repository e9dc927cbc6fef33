package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.sun.net.httpserver.HttpServer;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import dev.latchkey.core.secret.TokenHash;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 17, item 1: {@code private_key_jwt} (RFC 7523 §2.2, OIDC Core §9) with the Nimbus SDK as the
 * client: keys registered inline or by {@code jwks_uri}; the assertion's rules; its {@code jti} single
 * use; no fetch storm from unknown key ids.
 */
class PrivateKeyJwtTest {

    @RegisterExtension
    static final TestServer SERVER = new TestServer();

    private static ECKey key(String kid) throws Exception {
        return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    }

    private static String register(Map<String, Object> keys) {
        Map<String, Object> metadata = new java.util.HashMap<>(Map.of("scope", "read",
                "token_endpoint_auth_method", "private_key_jwt"));
        metadata.putAll(keys);
        HttpResponse<String> response = Http.json(SERVER, "POST", "/oauth2/register", Http.toJson(metadata),
                dev.latchkey.server.testing.TestServer.INITIAL_ACCESS_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(Http.json(response)).as("it proves itself with its key: no secret").doesNotContainKey("client_secret");
        return (String) Http.json(response).get("client_id");
    }

    private static Map<String, Object> inline(ECKey key) {
        return Map.of("jwks", Map.of("keys", List.of(key.toPublicJWK().toJSONObject())));
    }

    /** A token request authenticated with this assertion (as a form: client_assertion_type, client_assertion). */
    private static int tokenWith(String clientId, String assertion) {
        return Http.postForm(SERVER.tokenEndpoint(), null, Map.of("grant_type", "client_credentials", "client_id", clientId,
                "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion", assertion)).statusCode();
    }

    private static String signed(ECKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private static JWTClaimsSet.Builder claims(String clientId, String audience, Instant issued, Duration lifetime) {
        return new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(audience)
                .issueTime(Date.from(issued)).expirationTime(Date.from(issued.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString());
    }

    @Test
    void theNimbusClientGetsATokenAndItsAssertionWorksOnce() throws Exception {
        ECKey key = key("k1");
        String clientId = register(inline(key));
        PrivateKeyJWT auth = new PrivateKeyJWT(new ClientID(clientId), SERVER.tokenEndpoint(), JWSAlgorithm.ES256,
                key.toECPrivateKey(), key.getKeyID(), null);
        HTTPRequest request = new TokenRequest.Builder(SERVER.tokenEndpoint(), auth, new ClientCredentialsGrant())
                .build().toHTTPRequest();

        TokenResponse first = TokenResponse.parse(request.send());
        assertThat(first.indicatesSuccess()).as(() -> first.toErrorResponse().getErrorObject().toJSONObject()
                .toString()).isTrue();
        assertThat(SignedJWT.parse(first.toSuccessResponse().getTokens().getAccessToken().getValue())
                .getJWTClaimsSet().getStringClaim("client_id")).isEqualTo(clientId);

        TokenResponse replayed = TokenResponse.parse(request.send());
        assertThat(replayed.indicatesSuccess()).as("the same jti again").isFalse();
        assertThat(replayed.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_client");
        assertThat(replayed.toErrorResponse().getErrorObject().getHTTPStatusCode()).isEqualTo(401);
    }

    @Test
    void spentJtiAreKeptForTheClockMarginThenPurgedHoweverManyThereAre() {
        var spent = SERVER.server().assembly().stores().authorizations();
        Instant until = SERVER.clock().instant().plusSeconds(10);
        TokenHash one = TokenHash.of("purged-client\u0000one");
        assertThat(spent.spendAssertion(one, "purged-client", until)).isTrue();
        for (int i = 0; i < 2_500; i++) { // more than one purge batch: a busy minute's jti
            spent.spendAssertion(TokenHash.of("purged-client\u0000" + i), "purged-client", until);
        }
        SERVER.clock().advance(Duration.ofSeconds(10).plus(Assembly.SPENT_JTI_MARGIN).minusSeconds(5));
        SERVER.server().assembly().purge();
        assertThat(spent.spendAssertion(one, "purged-client", until)).as("within the margin for a slow clock").isFalse();

        SERVER.clock().advance(Duration.ofSeconds(10));
        SERVER.server().assembly().purge();
        assertThat(spent.spendAssertion(one, "purged-client", until)).as("purged").isTrue();
        assertThat(spent.spendAssertion(TokenHash.of("purged-client\u00002499"), "purged-client", until))
                .as("purged too, past the first batch").isTrue();
        assertThat(spent.purgeAssertions(SERVER.clock().instant().minus(Assembly.SPENT_JTI_MARGIN), 10_000))
                .as("only the two spent again were left").isEqualTo(2);
    }

    @Test
    void theIssuerAndTheEndpointAreAudiencesAndNothingElse() throws Exception {
        ECKey key = key("k1");
        String clientId = register(inline(key));
        Instant now = SERVER.clock().instant();
        assertThat(tokenWith(clientId, signed(key, claims(clientId, SERVER.issuer(), now, Duration.ofMinutes(1)).build())))
                .isEqualTo(200);
        assertThat(tokenWith(clientId, signed(key, claims(clientId, SERVER.issuer() + "/oauth2/introspect", now,
                Duration.ofMinutes(1)).build()))).as("another endpoint's URL").isEqualTo(401);
        // The introspection endpoint takes its own URL.
        String assertion = signed(key, claims(clientId, SERVER.issuer() + "/oauth2/introspect", now,
                Duration.ofMinutes(1)).build());
        HttpResponse<String> introspected = Http.postForm(SERVER.uri("/oauth2/introspect"), null, Map.of("token", "x",
                "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion", assertion));
        assertThat(introspected.statusCode()).as(introspected.body()).isEqualTo(200);
    }

    @Test
    void revocationAndPushedAuthorizationRequestsTakeAssertionsToo() throws Exception {
        ECKey key = key("k1");
        Map<String, Object> metadata = new java.util.HashMap<>(inline(key));
        metadata.putAll(Map.of("grant_types", List.of("client_credentials", "authorization_code"),
                "redirect_uris", List.of("https://app.example/cb")));
        String clientId = register(metadata);
        Instant now = SERVER.clock().instant();
        HttpResponse<String> revoked = Http.postForm(SERVER.uri("/oauth2/revoke"), null, Map.of("token", "x",
                "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion", signed(key, claims(clientId, SERVER.issuer() + "/oauth2/revoke", now,
                        Duration.ofMinutes(1)).build())));
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        // RFC 9126 §2: the issuer is an accepted audience at the PAR endpoint.
        HttpResponse<String> pushed = Http.postForm(SERVER.uri("/oauth2/par"), null, Map.of("response_type", "code",
                "client_id", clientId, "redirect_uri", "https://app.example/cb", "scope", "read",
                "code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method", "S256",
                "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion", signed(key, claims(clientId, SERVER.issuer(), now, Duration.ofMinutes(1)).build())));
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(201);
        assertThat(Http.json(pushed)).containsKey("request_uri");
        // The secret-based methods are not this client's: no secret, and client_id alone is a public client's.
        assertThat(Http.postForm(SERVER.tokenEndpoint(), null, Map.of("grant_type", "client_credentials",
                "client_id", clientId)).statusCode()).isEqualTo(401);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"iss is another client", "lives 10 minutes", "expired", "no jti", "signed with HMAC",
            "alg none", "a key it did not register", "issued in the future"})
    void anAssertionBreakingARuleIsInvalidClient(String broken) throws Exception {
        ECKey key = key("k1");
        String clientId = register(inline(key));
        Instant now = SERVER.clock().instant();
        String audience = SERVER.issuer();
        String assertion = switch (broken) {
            case "iss is another client" -> signed(key, new JWTClaimsSet.Builder(claims(clientId, audience, now,
                    Duration.ofMinutes(1)).build()).issuer("someone-else").build());
            case "lives 10 minutes" -> signed(key, claims(clientId, audience, now, Duration.ofMinutes(10)).build());
            case "expired" -> signed(key, claims(clientId, audience, now.minusSeconds(400), Duration.ofMinutes(5)).build());
            case "no jti" -> signed(key, new JWTClaimsSet.Builder(claims(clientId, audience, now,
                    Duration.ofMinutes(1)).build()).jwtID(null).build());
            case "signed with HMAC" -> {
                SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
                        claims(clientId, audience, now, Duration.ofMinutes(1)).build());
                jwt.sign(new MACSigner(key.toPublicJWK().toJSONString().repeat(2).getBytes(StandardCharsets.UTF_8)));
                yield jwt.serialize();
            }
            case "alg none" -> new PlainJWT(claims(clientId, audience, now, Duration.ofMinutes(1)).build()).serialize();
            case "a key it did not register" -> signed(key("k1"), claims(clientId, audience, now, Duration.ofMinutes(1)).build());
            case "issued in the future" -> signed(key, claims(clientId, audience, now.plusSeconds(600),
                    Duration.ofMinutes(1)).build());
            default -> throw new IllegalArgumentException(broken);
        };
        assertThat(tokenWith(clientId, assertion)).isEqualTo(401);
    }

    @Test
    void keysAtAJwksUriAreFetchedKeptAndFetchedAgainForANewKeyAtMostEvery30Seconds() throws Exception {
        AtomicReference<JWKSet> published = new AtomicReference<>();
        AtomicInteger fetches = new AtomicInteger();
        HttpServer jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/jwks", exchange -> {
            fetches.incrementAndGet();
            byte[] body = published.get().toString(true).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Cache-Control", "max-age=600");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwks.start();
        try {
            ECKey first = key("k1");
            published.set(new JWKSet(first.toPublicJWK()));
            String clientId = register(Map.of("jwks_uri", "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks"));
            Instant now = SERVER.clock().instant();
            assertThat(tokenWith(clientId, signed(first, claims(clientId, SERVER.issuer(), now, Duration.ofMinutes(1))
                    .build()))).isEqualTo(200);
            assertThat(tokenWith(clientId, signed(first, claims(clientId, SERVER.issuer(), now, Duration.ofMinutes(1))
                    .build()))).isEqualTo(200);
            assertThat(fetches.get()).as("kept as its Cache-Control says").isEqualTo(1);

            // The client rotates: a new kid. Made-up kids in between fetch nothing more within 30 s.
            ECKey second = key("k2");
            for (int i = 0; i < 10; i++) {
                tokenWith(clientId, signed(key("made-up-" + i), claims(clientId, SERVER.issuer(), now,
                        Duration.ofMinutes(1)).build()));
            }
            assertThat(fetches.get()).as("no fetch storm").isEqualTo(1);
            published.set(new JWKSet(List.of(first.toPublicJWK(), second.toPublicJWK())));
            SERVER.clock().advance(Duration.ofSeconds(31));
            Instant later = SERVER.clock().instant();
            assertThat(tokenWith(clientId, signed(second, claims(clientId, SERVER.issuer(), later, Duration.ofMinutes(1))
                    .build()))).isEqualTo(200);
            assertThat(fetches.get()).isEqualTo(2);
        } finally {
            jwks.stop(0);
        }
    }

    /** With its registration access token a client rotates inline keys, but never points Latchkey at a new URL. */
    @Test
    void aClientCannotRedirectTheKeyFetchWithItsRegistrationAccessToken() throws Exception {
        ECKey key = key("k1");
        HttpResponse<String> created = Http.json(SERVER, "POST", "/oauth2/register", Http.toJson(Map.of("scope", "read",
                "token_endpoint_auth_method", "private_key_jwt", "jwks_uri", "https://client.example/jwks")),
                TestServer.INITIAL_ACCESS_TOKEN);
        Map<String, Object> body = Http.json(created);
        dev.latchkey.server.testing.TestClient client = new dev.latchkey.server.testing.TestClient(
                (String) body.get("client_id"), null, (String) body.get("registration_access_token"), body);
        Map<String, Object> metadata = new java.util.HashMap<>(Map.of("scope", "read",
                "token_endpoint_auth_method", "private_key_jwt"));

        metadata.put("jwks_uri", "http://127.0.0.1:9090/metrics");
        HttpResponse<String> redirected = dev.latchkey.server.testing.Rfc7592.update(SERVER, client,
                client.registrationToken(), metadata);
        assertThat(redirected.statusCode()).as(redirected.body()).isEqualTo(400);
        assertThat(Http.json(redirected)).containsEntry("error", "invalid_client_metadata");

        metadata.remove("jwks_uri");
        metadata.putAll(inline(key));
        assertThat(dev.latchkey.server.testing.Rfc7592.update(SERVER, client, client.registrationToken(), metadata)
                .statusCode()).as("keys inline instead: nothing to fetch").isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"no keys", "a private key", "both jwks and jwks_uri", "jwks_uri over http elsewhere",
            "a small RSA key"})
    void registrationRefusesKeysItCannotUse(String broken) throws Exception {
        ECKey key = key("k1");
        Map<String, Object> metadata = new java.util.HashMap<>(Map.of("scope", "read",
                "token_endpoint_auth_method", "private_key_jwt"));
        switch (broken) {
            case "no keys" -> { }
            case "a private key" -> metadata.put("jwks", Map.of("keys", List.of(key.toJSONObject())));
            case "both jwks and jwks_uri" -> {
                metadata.putAll(inline(key));
                metadata.put("jwks_uri", "https://client.example/jwks");
            }
            case "jwks_uri over http elsewhere" -> metadata.put("jwks_uri", "http://client.example/jwks");
            case "a small RSA key" -> metadata.put("jwks", Map.of("keys", List.of(
                    new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(1024, true).generate().toPublicJWK().toJSONObject())));
            default -> throw new IllegalArgumentException(broken);
        }
        HttpResponse<String> response = Http.json(SERVER, "POST", "/oauth2/register", Http.toJson(metadata),
                TestServer.INITIAL_ACCESS_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(Http.json(response)).containsEntry("error", "invalid_client_metadata");
    }

    @Test
    void theMetadataNamesTheMethodAndItsAlgorithms() {
        Map<String, Object> metadata = Http.json(Http.get(SERVER.uri("/.well-known/oauth-authorization-server")));
        assertThat(metadata.get("token_endpoint_auth_methods_supported")).asList().contains("private_key_jwt");
        assertThat(metadata.get("token_endpoint_auth_signing_alg_values_supported")).asList()
                .containsExactly("EdDSA", "ES256", "PS256", "RS256");
    }
}
