package dev.latchkey.server.signin;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.id.JWTID;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import dev.latchkey.core.audit.Actor;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17, item 4, the user's side of DPoP (RFC 9449): a public client's code redeemed with a proof
 * gets a DPoP access token and a refresh token bound to its key (§5), which only that key's proofs
 * can rotate; the userinfo endpoint takes the token with the DPoP scheme and a proof carrying its
 * {@code ath} (§7.1, checked by the Nimbus SDK's UserInfoRequest too), and refuses it as a bearer
 * token (§7.2). A confidential client's refresh tokens stay unbound.
 */
class DpopUserTokensTest {

    @RegisterExtension
    static final TestServer SERVER = TestServer.realTime(config -> config);

    static final String PASSWORD = "dora's long password";
    static TestClient spa;
    static TestClient web;
    static ECKey key;

    @BeforeAll
    static void setUp() throws Exception {
        SERVER.server().assembly().accountManagement().createUser(Actor.commandLine(), "dora", PASSWORD.toCharArray());
        spa = SERVER.register(Map.of("client_name", "SPA", "token_endpoint_auth_method", "none", "grant_types",
                List.of("authorization_code", "refresh_token"), "scope", "read", "redirect_uris",
                List.of(UserFlow.REDIRECT)));
        web = SERVER.register(Map.of("client_name", "Web", "grant_types", List.of("authorization_code", "refresh_token"),
                "scope", "read", "redirect_uris", List.of(UserFlow.REDIRECT)));
        key = new ECKeyGenerator(Curve.P_256).generate();
    }

    static String proof(ECKey with, String method, URI target, String accessToken) throws Exception {
        return new DefaultDPoPProofFactory(with, JWSAlgorithm.ES256).createDPoPJWT(new JWTID(), method, target,
                new Date(), accessToken == null ? null : new DPoPAccessToken(accessToken)).serialize();
    }

    static HttpResponse<String> token(TestClient client, Map<String, String> form, String proof) {
        Map<String, String> body = new java.util.HashMap<>(form);
        if (client.secret() == null) {
            body.put("client_id", client.id());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(SERVER.uri("/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Http.encode(body)));
        if (client.secret() != null) {
            request.header("Authorization", client.basicHeader());
        }
        if (proof != null) {
            request.header("DPoP", proof);
        }
        return Http.send(request.build());
    }

    static Map<String, Object> signIn(TestClient client, String scope, String proof) {
        UserFlow flow = new UserFlow(SERVER);
        String code = AuthorizationCodeFlowTest.query(flow.authorize(client.id(), scope, "dora", PASSWORD).toString(),
                "code");
        HttpResponse<String> response = token(client, Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", UserFlow.REDIRECT, "code_verifier", flow.verifier.getValue()), proof);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Http.json(response);
    }

    static HttpResponse<String> refresh(TestClient client, Object refreshToken, String proof) {
        return token(client, Map.of("grant_type", "refresh_token", "refresh_token", (String) refreshToken), proof);
    }

    private static URI tokenEndpoint() {
        return SERVER.uri("/oauth2/token");
    }

    @Test
    void aPublicClientsRefreshTokenWorksOnlyWithItsKey() throws Exception {
        Map<String, Object> tokens = signIn(spa, "read", proof(key, "POST", tokenEndpoint(), null));
        assertThat(tokens).containsEntry("token_type", "DPoP");

        ECKey other = new ECKeyGenerator(Curve.P_256).generate();
        HttpResponse<String> stolen = refresh(spa, tokens.get("refresh_token"), proof(other, "POST", tokenEndpoint(), null));
        assertThat(stolen.statusCode()).isEqualTo(400);
        assertThat(Http.json(stolen)).containsEntry("error", "invalid_grant");
        HttpResponse<String> bare = refresh(spa, tokens.get("refresh_token"), null);
        assertThat(Http.json(bare)).as("a bound refresh token without a proof").containsEntry("error", "invalid_grant");

        HttpResponse<String> rotated = refresh(spa, tokens.get("refresh_token"), proof(key, "POST", tokenEndpoint(), null));
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        assertThat(Http.json(rotated)).containsEntry("token_type", "DPoP");
        HttpResponse<String> successorWithoutKey = refresh(spa, Http.json(rotated).get("refresh_token"), null);
        assertThat(Http.json(successorWithoutKey)).as("the successor keeps the binding")
                .containsEntry("error", "invalid_grant");
    }

    @Test
    void aConfidentialClientsRefreshTokenIsNotBound() throws Exception {
        Map<String, Object> tokens = signIn(web, "read", proof(key, "POST", tokenEndpoint(), null));
        assertThat(tokens).containsEntry("token_type", "DPoP");
        HttpResponse<String> refreshed = refresh(web, tokens.get("refresh_token"), null);
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        assertThat(Http.json(refreshed)).as("no proof, a bearer token").containsEntry("token_type", "Bearer");
    }

    @Test
    void userinfoTakesTheTokenOnlyWithAProofOfItsKey() throws Exception {
        Map<String, Object> tokens = signIn(spa, "openid profile read", proof(key, "POST", tokenEndpoint(), null));
        String accessToken = (String) tokens.get("access_token");
        URI userinfo = SERVER.uri("/userinfo");

        // The Nimbus SDK's own DPoP userinfo request.
        com.nimbusds.oauth2.sdk.http.HTTPRequest request = new UserInfoRequest(userinfo,
                new DPoPAccessToken(accessToken)).toHTTPRequest();
        request.setDPoP(new DefaultDPoPProofFactory(key, JWSAlgorithm.ES256).createDPoPJWT("GET", userinfo,
                new DPoPAccessToken(accessToken)));
        UserInfoResponse answer = UserInfoResponse.parse(request.send());
        assertThat(answer.indicatesSuccess()).as(() -> answer.toErrorResponse().getErrorObject().toString()).isTrue();
        assertThat(answer.toSuccessResponse().getUserInfo().getPreferredUsername()).isEqualTo("dora");

        HttpResponse<String> asBearer = get(userinfo, "Bearer " + accessToken, null);
        assertThat(asBearer.statusCode()).isEqualTo(401);
        assertThat(asBearer.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("DPoP ")
                .contains("invalid_token");

        ECKey other = new ECKeyGenerator(Curve.P_256).generate();
        assertThat(get(userinfo, "DPoP " + accessToken, proof(other, "GET", userinfo, accessToken)).statusCode())
                .as("another key's proof").isEqualTo(401);
        HttpResponse<String> noAth = get(userinfo, "DPoP " + accessToken, proof(key, "GET", userinfo, null));
        assertThat(noAth.statusCode()).as("a proof without ath").isEqualTo(401);
        assertThat(noAth.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_dpop_proof");
        assertThat(get(userinfo, "DPoP " + accessToken, null).statusCode()).as("no proof").isEqualTo(401);
        String once = proof(key, "GET", userinfo, accessToken);
        assertThat(get(userinfo, "DPoP " + accessToken, once).statusCode()).isEqualTo(200);
        assertThat(get(userinfo, "DPoP " + accessToken, once).statusCode()).as("the proof again").isEqualTo(401);
    }

    @Test
    void aBearerTokenCannotBePassedOffAsDpop() throws Exception {
        Map<String, Object> tokens = signIn(web, "openid read", null);
        String accessToken = (String) tokens.get("access_token");
        URI userinfo = SERVER.uri("/userinfo");
        assertThat(tokens).containsEntry("token_type", "Bearer");
        assertThat(get(userinfo, "Bearer " + accessToken, null).statusCode()).isEqualTo(200);
        assertThat(get(userinfo, "DPoP " + accessToken, proof(key, "GET", userinfo, accessToken)).statusCode())
                .as("an unbound token with the DPoP scheme").isEqualTo(401);
    }

    /** Walks the browser side of the flow from {@code authorize} to the code it lands with. */
    static String code(UserFlow flow, URI authorize) {
        HttpResponse<String> response = flow.get(authorize);
        if (UserFlow.location(response).startsWith("/login")) {
            response = flow.browser.get(UserFlow.location(flow.login(UserFlow.location(response), "dora", PASSWORD)));
        }
        if (response.statusCode() == 200 && response.body().contains("name=\"consent\"")) {
            response = flow.consent(response, "allow");
        }
        return AuthorizationCodeFlowTest.query(UserFlow.location(response), "code");
    }

    static HttpResponse<String> redeem(TestClient client, UserFlow flow, String code, String proof) {
        return token(client, Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", UserFlow.REDIRECT,
                "code_verifier", flow.verifier.getValue()), proof);
    }

    @Test
    void aCodeRequestedWithDpopJktIsRedeemedOnlyWithThatKey() throws Exception {
        String jkt = key.computeThumbprint().toString();
        ECKey other = new ECKeyGenerator(Curve.P_256).generate();
        for (String redemption : List.of("other key", "no proof", "its key")) {
            UserFlow flow = new UserFlow(SERVER);
            String code = code(flow, URI.create(flow.request(spa.id(), "read", UserFlow.REDIRECT) + "&dpop_jkt=" + jkt));
            String proof = switch (redemption) {
                case "other key" -> proof(other, "POST", tokenEndpoint(), null);
                case "no proof" -> null;
                default -> proof(key, "POST", tokenEndpoint(), null);
            };
            HttpResponse<String> answer = redeem(spa, flow, code, proof);
            if (redemption.equals("its key")) {
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(Http.json(answer)).containsEntry("token_type", "DPoP");
            } else {
                assertThat(answer.statusCode()).as(redemption).isEqualTo(400);
                assertThat(Http.json(answer)).containsEntry("error", "invalid_grant");
            }
        }
        UserFlow flow = new UserFlow(SERVER);
        HttpResponse<String> malformed = flow.get(URI.create(flow.request(spa.id(), "read", UserFlow.REDIRECT)
                + "&dpop_jkt=short"));
        assertThat(UserFlow.location(malformed)).contains("error=invalid_request");
    }

    @Test
    void aDpopProofAtThePushedRequestBindsTheCode() throws Exception {
        URI par = SERVER.uri("/oauth2/par");
        UserFlow flow = new UserFlow(SERVER);
        String query = flow.request(web.id(), "read", UserFlow.REDIRECT).getRawQuery();
        HttpResponse<String> pushed = Http.send(HttpRequest.newBuilder(par).header("Authorization", web.basicHeader())
                .header("Content-Type", "application/x-www-form-urlencoded").header("DPoP", proof(key, "POST", par, null))
                .POST(HttpRequest.BodyPublishers.ofString(query)).build());
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(201);
        URI authorize = URI.create(SERVER.uri("/oauth2/authorize") + "?client_id=" + web.id() + "&request_uri="
                + java.net.URLEncoder.encode((String) Http.json(pushed).get("request_uri"),
                        java.nio.charset.StandardCharsets.UTF_8));
        String code = code(flow, authorize);
        ECKey other = new ECKeyGenerator(Curve.P_256).generate();
        HttpResponse<String> stolen = redeem(web, flow, code, proof(other, "POST", tokenEndpoint(), null));
        assertThat(Http.json(stolen)).as("another key").containsEntry("error", "invalid_grant");

        UserFlow second = new UserFlow(SERVER);
        HttpResponse<String> mismatch = Http.send(HttpRequest.newBuilder(par).header("Authorization", web.basicHeader())
                .header("Content-Type", "application/x-www-form-urlencoded").header("DPoP", proof(key, "POST", par, null))
                .POST(HttpRequest.BodyPublishers.ofString(second.request(web.id(), "read", UserFlow.REDIRECT).getRawQuery()
                        + "&dpop_jkt=" + other.computeThumbprint())).build());
        assertThat(mismatch.statusCode()).isEqualTo(400);
        assertThat(Http.json(mismatch)).containsEntry("error", "invalid_dpop_proof");
    }

    private static HttpResponse<String> get(URI uri, String authorization, String proof) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Authorization", authorization).GET();
        if (proof != null) {
            request.header("DPoP", proof);
        }
        return Http.send(request.build());
    }
}
