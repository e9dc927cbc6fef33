package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.JWTID;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.Nonce;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 17, item 4: DPoP (RFC 9449) at the token endpoint, with the Nimbus SDK's proof factory as
 * the independent client: tokens bound with {@code cnf.jkt} (JWT and introspection) and typed
 * {@code DPoP}; the proof's rules, table-driven; jti single use; {@code dpop_bound_access_tokens};
 * nonces (per client here, server-wide in {@link DpopNonceTest}); the metadata.
 */
class DpopTest {

    @RegisterExtension
    static final TestServer SERVER = new TestServer();

    private static final ECKey KEY = generate();

    private static ECKey generate() {
        try {
            return new ECKeyGenerator(Curve.P_256).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static URI token() {
        return SERVER.uri("/oauth2/token");
    }

    private static Date now() {
        return Date.from(SERVER.clock().instant());
    }

    /** A proof made by Nimbus, dated by the server's clock. */
    static String proof(JWK key, String method, URI target, String accessToken, String nonce) throws Exception {
        DefaultDPoPProofFactory factory = new DefaultDPoPProofFactory(key, key instanceof ECKey ? JWSAlgorithm.ES256
                : JWSAlgorithm.EdDSA);
        return factory.createDPoPJWT(new JWTID(), method, target, now(), accessToken == null ? null
                : new DPoPAccessToken(accessToken), nonce == null ? null : new Nonce(nonce)).serialize();
    }

    static HttpResponse<String> tokenRequest(TestClient client, String... proofs) {
        HttpRequest.Builder request = HttpRequest.newBuilder(token()).header("Authorization", client.basicHeader())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"));
        for (String proof : proofs) {
            request.header("DPoP", proof);
        }
        return Http.send(request.build());
    }

    @Test
    void theNimbusClientGetsADpopTokenBoundToItsKey() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read"));
        HTTPRequest request = new TokenRequest.Builder(token(), client.auth(), new ClientCredentialsGrant()).build()
                .toHTTPRequest();
        request.setDPoP(SignedJWT.parse(proof(KEY, "POST", token(), null, null)));
        TokenResponse response = TokenResponse.parse(request.send());
        assertThat(response.indicatesSuccess()).as(() -> response.toErrorResponse().toJSONObject().toString()).isTrue();
        AccessTokenResponse tokens = response.toSuccessResponse();
        assertThat(tokens.getTokens().getAccessToken().getType()).isEqualTo(AccessTokenType.DPOP);
        String thumbprint = KEY.computeThumbprint().toString();
        assertThat(SignedJWT.parse(tokens.getTokens().getAccessToken().getValue()).getJWTClaimsSet()
                .getJSONObjectClaim("cnf")).containsEntry("jkt", thumbprint);

        HttpResponse<String> introspected = Http.postForm(SERVER.uri("/oauth2/introspect"), client.basicHeader(),
                Map.of("token", tokens.getTokens().getAccessToken().getValue()));
        assertThat(Http.json(introspected)).containsEntry("active", true).containsEntry("token_type", "DPoP")
                .containsEntry("cnf", Map.of("jkt", thumbprint));
    }

    @Test
    void anOpaqueTokenKeepsItsBindingForIntrospection() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read", "access_token_format", "opaque"));
        HttpResponse<String> response = tokenRequest(client, proof(KEY, "POST", token(), null, null));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(Http.json(response)).containsEntry("token_type", "DPoP");
        HttpResponse<String> introspected = Http.postForm(SERVER.uri("/oauth2/introspect"), client.basicHeader(),
                Map.of("token", (String) Http.json(response).get("access_token")));
        assertThat(Http.json(introspected)).containsEntry("token_type", "DPoP")
                .containsEntry("cnf", Map.of("jkt", KEY.computeThumbprint().toString()));
    }

    @Test
    void withoutAProofTheTokenIsAPlainBearerToken() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read"));
        HttpResponse<String> response = tokenRequest(client);
        assertThat(Http.json(response)).containsEntry("token_type", "Bearer");
        assertThat(SignedJWT.parse((String) Http.json(response).get("access_token")).getJWTClaimsSet().getClaim("cnf"))
                .isNull();
    }

    @Test
    void anEd25519KeyWorksToo() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read"));
        JWK ed = new OctetKeyPairGenerator(Curve.Ed25519).generate();
        HttpResponse<String> response = tokenRequest(client, proof(ed, "POST", token(), null, null));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(SignedJWT.parse((String) Http.json(response).get("access_token")).getJWTClaimsSet()
                .getJSONObjectClaim("cnf")).containsEntry("jkt", ed.computeThumbprint().toString());
    }

    @Test
    void aProofIsUsedOnce() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read"));
        String proof = proof(KEY, "POST", token(), null, null);
        assertThat(tokenRequest(client, proof).statusCode()).isEqualTo(200);
        HttpResponse<String> replay = tokenRequest(client, proof);
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(Http.json(replay)).containsEntry("error", "invalid_dpop_proof");
        assertThat((String) Http.json(replay).get("error_description")).contains("jti");
    }

    @Test
    void twoDpopHeadersAreRefused() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read"));
        HttpResponse<String> response = tokenRequest(client, proof(KEY, "POST", token(), null, null),
                proof(KEY, "POST", token(), null, null));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.json(response)).containsEntry("error", "invalid_dpop_proof");
    }

    /** A proof built by hand, to break one rule at a time. */
    private static String handmade(UnaryOperator<JWSHeader.Builder> header, UnaryOperator<JWTClaimsSet.Builder> claims,
            ECKey signer) throws Exception {
        JWSHeader.Builder h = new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("dpop+jwt"))
                .jwk(KEY.toPublicJWK());
        JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString()).claim("htm", "POST")
                .claim("htu", token().toString()).issueTime(now());
        SignedJWT jwt = new SignedJWT(header.apply(h).build(), claims.apply(c).build());
        jwt.sign(new ECDSASigner(signer));
        return jwt.serialize();
    }

    static Stream<Arguments> brokenProofs() throws Exception {
        ECKey other = new ECKeyGenerator(Curve.P_256).generate();
        Instant at = SERVER.clock().instant();
        return Stream.of(
                Arguments.of("typ JWT", handmade(h -> h.type(JOSEObjectType.JWT), c -> c, KEY)),
                Arguments.of("no typ", handmade(h -> h.type(null), c -> c, KEY)),
                Arguments.of("no jwk", handmade(h -> h.jwk(null), c -> c, KEY)),
                Arguments.of("a private key in jwk", withPrivateJwk()),
                Arguments.of("signed by another key", handmade(h -> h, c -> c, other)),
                Arguments.of("htm GET", handmade(h -> h, c -> c.claim("htm", "GET"), KEY)),
                Arguments.of("htu of another endpoint", handmade(h -> h,
                        c -> c.claim("htu", SERVER.uri("/oauth2/introspect").toString()), KEY)),
                Arguments.of("htu of another host", handmade(h -> h,
                        c -> c.claim("htu", "https://evil.example/oauth2/token"), KEY)),
                Arguments.of("no htu", handmade(h -> h, c -> c.claim("htu", null), KEY)),
                Arguments.of("iat 2 minutes old", handmade(h -> h,
                        c -> c.issueTime(Date.from(at.minus(Duration.ofMinutes(2)))), KEY)),
                Arguments.of("iat 2 minutes ahead", handmade(h -> h,
                        c -> c.issueTime(Date.from(at.plus(Duration.ofMinutes(2)))), KEY)),
                Arguments.of("no iat", handmade(h -> h, c -> c.issueTime(null), KEY)),
                Arguments.of("no jti", handmade(h -> h, c -> c.jwtID(null), KEY)),
                Arguments.of("HS256", hmac()),
                Arguments.of("alg none", unsigned()),
                Arguments.of("not a JWT", "not-a-jwt"));
    }

    /** Nimbus will not put a private key in a header: the JWT is put together by hand. */
    private static String withPrivateJwk() throws Exception {
        com.nimbusds.jose.util.Base64URL header = com.nimbusds.jose.util.Base64URL.encode(Http.toJson(Map.of(
                "typ", "dpop+jwt", "alg", "ES256", "jwk", KEY.toJSONObject())));
        com.nimbusds.jose.util.Base64URL payload = com.nimbusds.jose.util.Base64URL.encode(Http.toJson(Map.of(
                "jti", UUID.randomUUID().toString(), "htm", "POST", "htu", token().toString(),
                "iat", SERVER.clock().instant().getEpochSecond())));
        String input = header + "." + payload;
        com.nimbusds.jose.util.Base64URL signature = new ECDSASigner(KEY).sign(new JWSHeader(JWSAlgorithm.ES256),
                input.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return input + "." + signature;
    }

    private static String hmac() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("dpop+jwt"))
                .jwk(KEY.toPublicJWK()).build(), new JWTClaimsSet.Builder().jwtID("x").claim("htm", "POST")
                .claim("htu", token().toString()).issueTime(now()).build());
        jwt.sign(new MACSigner(new byte[32]));
        return jwt.serialize();
    }

    private static String unsigned() {
        return new com.nimbusds.jwt.PlainJWT(new JWTClaimsSet.Builder().jwtID("x").claim("htm", "POST")
                .claim("htu", token().toString()).issueTime(now()).build()).serialize();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenProofs")
    void aBrokenProofIsRefused(String broken, String proof) {
        TestClient client = SERVER.register(Map.of("scope", "read"));
        HttpResponse<String> response = tokenRequest(client, proof);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(Http.json(response)).containsEntry("error", "invalid_dpop_proof");
    }

    @Test
    void htuIsComparedWithoutQueryAndAfterNormalization() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read"));
        URI upper = URI.create(token().toString().replace("http://", "HTTP://").replace("127.0.0.1", "127.0.0.1")
                + "?ignored=1#fragment");
        assertThat(tokenRequest(client, handmade(h -> h, c -> c.claim("htu", upper.toString()), KEY)).statusCode())
                .isEqualTo(200);
    }

    @Test
    void aClientRegisteredForDpopMustSendAProof() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read", "dpop_bound_access_tokens", true));
        HttpResponse<String> bare = tokenRequest(client);
        assertThat(bare.statusCode()).isEqualTo(400);
        assertThat(Http.json(bare)).containsEntry("error", "invalid_dpop_proof");
        assertThat(tokenRequest(client, proof(KEY, "POST", token(), null, null)).statusCode()).isEqualTo(200);
    }

    @Test
    void aClientMayRequireNoncesAndGetsThemInTheHeader() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read", "require_dpop_nonce", true));
        HttpResponse<String> first = tokenRequest(client, proof(KEY, "POST", token(), null, null));
        assertThat(first.statusCode()).isEqualTo(400);
        assertThat(Http.json(first)).containsEntry("error", "use_dpop_nonce");
        String nonce = first.headers().firstValue("DPoP-Nonce").orElseThrow();

        HttpResponse<String> second = tokenRequest(client, proof(KEY, "POST", token(), null, nonce));
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(second.headers().firstValue("DPoP-Nonce")).as("the nonce for the next proof").isPresent();

        HttpResponse<String> forged = tokenRequest(client, proof(KEY, "POST", token(), null,
                nonce.substring(0, nonce.length() - 2) + "AA"));
        assertThat(Http.json(forged)).containsEntry("error", "use_dpop_nonce");

        SERVER.clock().advance(Duration.ofMinutes(3));
        HttpResponse<String> stale = tokenRequest(client, proof(KEY, "POST", token(), null, nonce));
        assertThat(Http.json(stale)).as("a nonce lives at most two minutes").containsEntry("error", "use_dpop_nonce");
        String fresh = stale.headers().firstValue("DPoP-Nonce").orElseThrow();
        assertThat(fresh).isNotEqualTo(nonce);
        assertThat(tokenRequest(client, proof(KEY, "POST", token(), null, fresh)).statusCode()).isEqualTo(200);
    }

    @Test
    void aClientWithoutTheRequirementNeedsNoNonce() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read"));
        HttpResponse<String> response = tokenRequest(client, proof(KEY, "POST", token(), null, null));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("DPoP-Nonce")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dpop_bound_access_tokens", "require_dpop_nonce"})
    void theRegistrationMembersAreBooleansAndStayOnWithTheRegistrationToken(String member) {
        HttpResponse<String> wrong = Http.json(SERVER, "POST", "/oauth2/register", Http.toJson(Map.of("scope", "read",
                member, "yes")), TestServer.INITIAL_ACCESS_TOKEN);
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(Http.json(wrong)).containsEntry("error", "invalid_client_metadata");

        TestClient client = SERVER.register(Map.of("scope", "read", member, true));
        assertThat(client.registration()).containsEntry(member, true);
        HttpResponse<String> off = Http.json(SERVER, "PUT", "/oauth2/register/" + client.id(), Http.toJson(Map.of(
                "client_id", client.id(), "scope", "read")), client.registrationToken());
        assertThat(off.statusCode()).as(off.body()).isEqualTo(400);
        assertThat((String) Http.json(off).get("error_description")).contains(member);
    }

    @Test
    void theMetadataListsTheProofAlgorithms() {
        Map<String, Object> metadata = Http.json(Http.get(SERVER.uri("/.well-known/oauth-authorization-server")));
        assertThat(metadata.get("dpop_signing_alg_values_supported")).isEqualTo(List.of("EdDSA", "ES256", "PS256",
                "RS256"));
    }
}
