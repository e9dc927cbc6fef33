package dev.latchkey.server.signin;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.PushedAuthorizationRequest;
import com.nimbusds.oauth2.sdk.PushedAuthorizationResponse;
import com.nimbusds.oauth2.sdk.PushedAuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.latchkey.core.audit.Actor;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pushed authorization requests, RFC 9126, with the Nimbus SDK pushing: the request_uri works once,
 * only for the client that pushed it, and a client registered to require PAR cannot go without.
 */
class PushedAuthorizationTest {

    @RegisterExtension
    static final TestServer SERVER = TestServer.realTime(config -> config);

    static final String PASSWORD = "carol's long password";
    static TestClient web;
    static TestClient strict;

    @BeforeAll
    static void setUp() {
        SERVER.server().assembly().accountManagement().createUser(Actor.commandLine(), "carol", PASSWORD.toCharArray());
        web = SERVER.register(Map.of("client_name", "Pusher", "grant_types", List.of("authorization_code"),
                "scope", "read", "redirect_uris", List.of(UserFlow.REDIRECT)));
        strict = SERVER.register(Map.of("client_name", "Strict", "grant_types", List.of("authorization_code"),
                "scope", "read", "redirect_uris", List.of(UserFlow.REDIRECT),
                "require_pushed_authorization_requests", true));
    }

    private static URI push(TestClient client, UserFlow flow) throws Exception {
        com.nimbusds.oauth2.sdk.AuthorizationRequest request = com.nimbusds.oauth2.sdk.AuthorizationRequest.parse(
                flow.request(client.id(), "openid read", UserFlow.REDIRECT));
        PushedAuthorizationResponse response = PushedAuthorizationResponse.parse(new PushedAuthorizationRequest(
                SERVER.uri("/oauth2/par"), new ClientSecretBasic(new ClientID(client.id()), new Secret(client.secret())),
                request).toHTTPRequest().send());
        assertThat(response.indicatesSuccess()).as(response.indicatesSuccess() ? ""
                : response.toErrorResponse().getErrorObject().toString()).isTrue();
        PushedAuthorizationSuccessResponse success = response.toSuccessResponse();
        assertThat(success.getLifetime()).isEqualTo(60);
        return success.getRequestURI();
    }

    private static URI authorizeWith(TestClient client, URI requestUri) {
        return URI.create(SERVER.uri("/oauth2/authorize") + "?client_id=" + client.id() + "&request_uri="
                + URLEncoder.encode(requestUri.toString(), StandardCharsets.UTF_8));
    }

    @Test
    void aPushedRequestSignsTheUserInOnceAndThenIsSpent() throws Exception {
        UserFlow flow = new UserFlow(SERVER);
        URI requestUri = push(web, flow);
        assertThat(requestUri.toString()).startsWith("urn:ietf:params:oauth:request_uri:");

        HttpResponse<String> start = flow.get(authorizeWith(web, requestUri));
        HttpResponse<String> login = flow.login(UserFlow.location(start), "carol", PASSWORD);
        HttpResponse<String> consent = flow.browser.get(UserFlow.location(login));
        String back = UserFlow.location(flow.consent(consent, "allow"));
        assertThat(back).startsWith(UserFlow.REDIRECT + "?code=");
        String code = AuthorizationCodeFlowTest.query(back, "code");
        HttpResponse<String> token = Http.postForm(SERVER.uri("/oauth2/token"), web.basicHeader(), Map.of(
                "grant_type", "authorization_code", "code", code, "redirect_uri", UserFlow.REDIRECT,
                "code_verifier", flow.verifier.getValue()));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);

        HttpResponse<String> replay = flow.get(authorizeWith(web, requestUri));
        assertThat(replay.statusCode()).as("a spent request_uri is a page, not a second code").isEqualTo(400);
        assertThat(replay.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void anotherClientCannotUseTheRequestUri() throws Exception {
        UserFlow flow = new UserFlow(SERVER);
        URI requestUri = push(web, flow);
        HttpResponse<String> response = flow.get(authorizeWith(strict, requestUri));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void aClientThatRequiresParIsRefusedWithoutItAndServedWithIt() throws Exception {
        UserFlow flow = new UserFlow(SERVER);
        HttpResponse<String> direct = flow.get(flow.request(strict.id(), "openid read", UserFlow.REDIRECT));
        assertThat(AuthorizationCodeFlowTest.query(UserFlow.location(direct), "error")).isEqualTo("invalid_request");

        HttpResponse<String> pushed = flow.get(authorizeWith(strict, push(strict, flow)));
        assertThat(UserFlow.location(pushed)).startsWith("/login");
    }

    @Test
    void aServerThatRequiresParSaysSoAndRefusesEveryOtherRequest() throws Exception {
        try (TestServer strictServer = TestServer.startNew(config -> config.toBuilder()
                .users(new dev.latchkey.core.authorize.AuthorizationPolicy(true, java.time.Duration.ofMinutes(10), false))
                .build())) {
            assertThat(Http.json(Http.get(strictServer.uri("/.well-known/oauth-authorization-server"))))
                    .containsEntry("require_pushed_authorization_requests", true);
            TestClient client = strictServer.register(Map.of("grant_types", List.of("authorization_code"), "scope",
                    "read", "redirect_uris", List.of(UserFlow.REDIRECT)));
            UserFlow flow = new UserFlow(strictServer);
            HttpResponse<String> direct = flow.get(flow.request(client.id(), "read", UserFlow.REDIRECT));
            assertThat(AuthorizationCodeFlowTest.query(UserFlow.location(direct), "error")).isEqualTo("invalid_request");
        }
        assertThat(Http.json(Http.get(SERVER.uri("/.well-known/oauth-authorization-server"))))
                .containsEntry("require_pushed_authorization_requests", false);
    }

    @Test
    void theParEndpointChecksTheRequestAndTheClient() {
        Map<String, String> noPkce = Map.of("response_type", "code", "redirect_uri", UserFlow.REDIRECT, "scope", "read");
        HttpResponse<String> refused = Http.postForm(SERVER.uri("/oauth2/par"), web.basicHeader(), noPkce);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(Http.json(refused)).containsEntry("error", "invalid_request");

        HttpResponse<String> stranger = Http.postForm(SERVER.uri("/oauth2/par"), null, Map.of("client_id", web.id(),
                "response_type", "code"));
        assertThat(stranger.statusCode()).as("a confidential client must authenticate").isEqualTo(401);

        HttpResponse<String> nested = Http.postForm(SERVER.uri("/oauth2/par"), web.basicHeader(), Map.of(
                "response_type", "code", "request_uri", "urn:ietf:params:oauth:request_uri:x"));
        assertThat(Http.json(nested)).containsEntry("error", "invalid_request");
    }
}
