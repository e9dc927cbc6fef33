package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17, item 6 (begun): token exchange (RFC 8693) with a Latchkey access token as the subject,
 * the Nimbus SDK's TokenExchangeGrant as the client: the scope is the intersection, the audience one
 * the policy allows (default deny), an actor token gives {@code act}, {@code issued_token_type} is
 * answered, and revoking the subject token's family revokes what was derived from it.
 */
class TokenExchangeTest {

    @RegisterExtension
    static final TestServer SERVER = new TestServer();

    static final String ORDERS = "https://orders.example/";
    static final String EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String ACCESS = "urn:ietf:params:oauth:token-type:access_token";

    static TestClient frontend() {
        return SERVER.register(Map.of("client_name", "frontend", "scope", "read write profile",
                "grant_types", List.of("client_credentials", "refresh_token")));
    }

    static TestClient gateway(String subjectClient) {
        return SERVER.register(Map.of("client_name", "gateway", "scope", "read admin", "grant_types",
                List.of(EXCHANGE), "token_exchange_subject_clients", List.of(subjectClient),
                "token_exchange_audiences", List.of(ORDERS)));
    }

    static Map<String, Object> tokens(TestClient client) {
        HttpResponse<String> response = Http.postForm(SERVER.tokenEndpoint(), client.basicHeader(),
                Map.of("grant_type", "client_credentials"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Http.json(response);
    }

    static HttpResponse<String> exchange(TestClient client, Map<String, String> extra) {
        Map<String, String> form = new HashMap<>(Map.of("grant_type", EXCHANGE, "subject_token_type", ACCESS));
        form.putAll(extra);
        return Http.postForm(SERVER.tokenEndpoint(), client.basicHeader(), form);
    }

    @Test
    void aGatewayExchangesTheFrontendsTokenForANarrowerOneForItsApi() throws Exception {
        TestClient frontend = frontend();
        TestClient gateway = gateway(frontend.id());
        String subject = (String) tokens(frontend).get("access_token");

        TokenRequest request = new TokenRequest(SERVER.tokenEndpoint(), gateway.auth(),
                new com.nimbusds.oauth2.sdk.tokenexchange.TokenExchangeGrant(new BearerAccessToken(subject),
                        TokenTypeURI.ACCESS_TOKEN, null, null, null, List.of(new Audience(ORDERS))), null);
        TokenResponse response = TokenResponse.parse(request.toHTTPRequest().send());
        assertThat(response.indicatesSuccess()).as(() -> response.toErrorResponse().toJSONObject().toString()).isTrue();
        assertThat(response.toSuccessResponse().getTokens().getAccessToken().getIssuedTokenType())
                .as("issued_token_type").isEqualTo(TokenTypeURI.ACCESS_TOKEN);
        JWTClaimsSet claims = SignedJWT.parse(response.toSuccessResponse().getTokens().getAccessToken().getValue())
                .getJWTClaimsSet();
        assertThat(claims.getSubject()).as("acts for the subject token's subject").isEqualTo(frontend.id());
        assertThat(claims.getStringClaim("client_id")).isEqualTo(gateway.id());
        assertThat(claims.getAudience()).containsExactly(ORDERS);
        assertThat(claims.getStringClaim("scope")).as("read write profile within read admin").isEqualTo("read");
        assertThat(response.toSuccessResponse().getTokens().getRefreshToken()).isNull();
    }

    @Test
    void anActorTokenNamesTheActor() throws Exception {
        TestClient frontend = frontend();
        TestClient gateway = gateway(frontend.id());
        TestClient batch = SERVER.register(Map.of("scope", "read"));
        HttpResponse<String> response = exchange(gateway, Map.of("subject_token",
                (String) tokens(frontend).get("access_token"), "audience", ORDERS, "actor_token",
                (String) tokens(batch).get("access_token"), "actor_token_type", ACCESS));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Map<String, Object> act = SignedJWT.parse((String) Http.json(response).get("access_token")).getJWTClaimsSet()
                .getJSONObjectClaim("act");
        assertThat(act).containsEntry("sub", batch.id());
    }

    @Test
    void everythingIsDeniedThatThePolicyDoesNotAllow() {
        TestClient frontend = frontend();
        TestClient stranger = SERVER.register(Map.of("scope", "read"));
        String subject = (String) tokens(frontend).get("access_token");
        TestClient gateway = gateway(frontend.id());

        assertThat(Http.json(exchange(gateway, Map.of("subject_token", subject, "audience", "https://billing.example/"))))
                .as("an audience the policy does not list").containsEntry("error", "invalid_target");
        assertThat(Http.json(exchange(gateway, Map.of("subject_token", subject))))
                .as("no audience at all").containsEntry("error", "invalid_target");
        assertThat(Http.json(exchange(gateway, Map.of("subject_token", (String) tokens(stranger).get("access_token"),
                "audience", ORDERS)))).as("another client's token").containsEntry("error", "invalid_request");
        assertThat(Http.json(exchange(gateway, Map.of("subject_token", "not-a-token", "audience", ORDERS))))
                .containsEntry("error", "invalid_request");
        assertThat(Http.json(exchange(gateway, Map.of("subject_token", subject, "audience", ORDERS, "scope", "admin"))))
                .as("a scope the subject token lacks").containsEntry("error", "invalid_scope");
        assertThat(Http.json(exchange(frontend, Map.of("subject_token", subject, "audience", ORDERS))))
                .as("a client not registered for the grant").containsEntry("error", "unauthorized_client");
        TestClient unlisted = SERVER.register(Map.of("scope", "read", "grant_types", List.of(EXCHANGE)));
        assertThat(Http.json(exchange(unlisted, Map.of("subject_token", subject, "audience", ORDERS))))
                .as("default deny").containsEntry("error", "invalid_request");
        assertThat(Http.json(exchange(gateway, Map.of("subject_token", subject, "audience", ORDERS,
                "requested_token_type", "urn:ietf:params:oauth:token-type:refresh_token"))))
                .containsEntry("error", "invalid_request");
    }

    @Test
    void revokingTheSubjectTokensFamilyRevokesTheExchangedToken() {
        TestClient frontend = frontend();
        TestClient gateway = gateway(frontend.id());
        Map<String, Object> issued = tokens(frontend);
        HttpResponse<String> exchanged = exchange(gateway, Map.of("subject_token", (String) issued.get("access_token"),
                "audience", ORDERS));
        String derived = (String) Http.json(exchanged).get("access_token");
        assertThat(Http.json(Http.postForm(SERVER.uri("/oauth2/introspect"), gateway.basicHeader(),
                Map.of("token", derived)))).containsEntry("active", true);

        assertThat(Http.postForm(SERVER.uri("/oauth2/revoke"), frontend.basicHeader(),
                Map.of("token", (String) issued.get("refresh_token"))).statusCode()).isEqualTo(200);
        assertThat(Http.json(Http.postForm(SERVER.uri("/oauth2/introspect"), gateway.basicHeader(),
                Map.of("token", derived)))).containsEntry("active", false);
    }

    @Test
    void introspectionShowsTheActorOfAJwtAndOfAnOpaqueExchangedToken() {
        TestClient frontend = frontend();
        TestClient batch = SERVER.register(Map.of("scope", "read"));
        for (String format : List.of("jwt", "opaque")) {
            TestClient gateway = SERVER.register(Map.of("scope", "read", "grant_types", List.of(EXCHANGE),
                    "token_exchange_subject_clients", List.of(frontend.id()), "token_exchange_audiences", List.of(ORDERS),
                    "access_token_format", format, "introspection_audiences", List.of(ORDERS)));
            HttpResponse<String> exchanged = exchange(gateway, Map.of("subject_token",
                    (String) tokens(frontend).get("access_token"), "audience", ORDERS, "actor_token",
                    (String) tokens(batch).get("access_token"), "actor_token_type", ACCESS));
            assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
            String derived = (String) Http.json(exchanged).get("access_token");
            Map<String, Object> answer = Http.json(Http.postForm(SERVER.uri("/oauth2/introspect"), gateway.basicHeader(),
                    Map.of("token", derived)));
            assertThat(answer).as(format).containsEntry("active", true).containsEntry("sub", frontend.id())
                    .containsEntry("act", Map.of("sub", batch.id(), "client_id", batch.id()));

            // The derived token, exchanged again by the same gateway: the first actor is nested as the prior one.
            TestClient relay = SERVER.register(Map.of("scope", "read", "grant_types", List.of(EXCHANGE),
                    "token_exchange_subject_clients", List.of(gateway.id()), "token_exchange_audiences", List.of(ORDERS),
                    "access_token_format", format));
            HttpResponse<String> again = exchange(relay, Map.of("subject_token", derived, "audience", ORDERS,
                    "actor_token", (String) tokens(batch).get("access_token"), "actor_token_type", ACCESS));
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            Map<String, Object> nested = Http.json(Http.postForm(SERVER.uri("/oauth2/introspect"), relay.basicHeader(),
                    Map.of("token", (String) Http.json(again).get("access_token"))));
            assertThat(nested).as(format).containsEntry("act", Map.of("sub", batch.id(), "client_id", batch.id(),
                    "act", Map.of("sub", batch.id(), "client_id", batch.id())));
        }
    }

    @Test
    void aClientCannotWidenItsOwnPolicy() {
        TestClient frontend = frontend();
        TestClient gateway = gateway(frontend.id());
        Map<String, Object> current = new HashMap<>(gateway.registration());
        current.keySet().removeAll(java.util.Set.of("client_secret", "registration_access_token",
                "registration_client_uri", "client_id_issued_at", "client_secret_expires_at"));
        current.put("token_exchange_audiences", List.of(ORDERS, "https://billing.example/"));
        assertThat(dev.latchkey.server.testing.Rfc7592.update(SERVER, gateway, gateway.registrationToken(), current)
                .statusCode()).isEqualTo(400);
    }
}
