package dev.latchkey.server.signin;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.AuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.latchkey.core.audit.Actor;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The authorization code flow with PKCE and OpenID Connect over real HTTP, with the Nimbus SDK as
 * the client: it builds the request, parses the redirect, redeems the code and validates the
 * id_token against the JWKS. Then the rules, each refused as RFC 6749, RFC 7636 and RFC 9700 say.
 */
class AuthorizationCodeFlowTest {

    @RegisterExtension
    static final TestServer SERVER = TestServer.realTime(config -> config);

    static final String PASSWORD = "correct horse battery staple";
    static TestClient web;
    static TestClient app;

    @BeforeAll
    static void setUp() {
        SERVER.server().assembly().accountManagement().createUser(Actor.commandLine(), "alice", PASSWORD.toCharArray());
        web = SERVER.register(Map.of("client_name", "Photo Printer", "grant_types",
                List.of("authorization_code", "refresh_token"), "scope", "read write",
                "redirect_uris", List.of(UserFlow.REDIRECT)));
        app = SERVER.register(Map.of("client_name", "Phone App", "grant_types",
                List.of("authorization_code", "refresh_token"), "scope", "read", "application_type", "native",
                "token_endpoint_auth_method", "none", "redirect_uris", List.of("http://127.0.0.1/callback")));
    }

    @Test
    void aConfidentialClientSignsAUserInAndGetsTokensAndAnIdTokenNimbusValidates() throws Exception {
        UserFlow flow = new UserFlow(SERVER);
        URI back = flow.authorize(web.id(), "openid offline_access read", "alice", PASSWORD);

        AuthorizationSuccessResponse success = AuthorizationResponse.parse(back).toSuccessResponse();
        assertThat(success.getState()).isEqualTo(flow.state);
        assertThat(success.getIssuer()).as("RFC 9207 iss").isEqualTo(new Issuer(SERVER.issuer()));

        TokenResponse response = redeem(web, success.getAuthorizationCode(), flow.verifier);
        assertThat(response.indicatesSuccess()).as(response.indicatesSuccess() ? ""
                : ((TokenErrorResponse) response).getErrorObject().toString()).isTrue();
        OIDCTokenResponse tokens = (OIDCTokenResponse) response.toSuccessResponse();
        JWT idToken = tokens.getOIDCTokens().getIDToken();
        IDTokenValidator validator = new IDTokenValidator(new Issuer(SERVER.issuer()), new ClientID(web.id()),
                JWSAlgorithm.RS256, new URL(SERVER.uri("/oauth2/jwks").toString()));
        var claims = validator.validate(idToken, flow.nonce);
        String userId = claims.getSubject().getValue();
        assertThat(userId).startsWith("usr_");
        assertThat(claims.getAuthenticationTime()).isNotNull();
        assertThat(claims.getAccessTokenHash()).as("at_hash").isNotNull();
        assertThat(tokens.getOIDCTokens().getRefreshToken()).as("offline_access gives a refresh token").isNotNull();

        SignedJWT access = SignedJWT.parse(tokens.getOIDCTokens().getAccessToken().getValue());
        assertThat(access.getJWTClaimsSet().getSubject()).as("the access token acts for the user").isEqualTo(userId);
        assertThat(access.getJWTClaimsSet().getStringClaim("client_id")).isEqualTo(web.id());

        HttpResponse<String> userinfo = Http.send(HttpRequest.newBuilder(SERVER.uri("/userinfo"))
                .header("Authorization", "Bearer " + access.serialize()).GET().build());
        assertThat(userinfo.statusCode()).isEqualTo(200);
        assertThat(Http.json(userinfo)).containsEntry("sub", userId);

        // The refresh token rotates and keeps acting for the user.
        HttpResponse<String> refreshed = Http.postForm(SERVER.uri("/oauth2/token"), web.basicHeader(),
                Map.of("grant_type", "refresh_token", "refresh_token",
                        tokens.getOIDCTokens().getRefreshToken().getValue()));
        assertThat(refreshed.statusCode()).isEqualTo(200);
        String refreshedAccess = (String) Http.json(refreshed).get("access_token");
        assertThat(SignedJWT.parse(refreshedAccess).getJWTClaimsSet().getSubject()).isEqualTo(userId);
        assertThat(SignedJWT.parse(refreshedAccess).getJWTClaimsSet().getStringClaim("scope")).contains("openid");

        // The user consented once: the next request goes straight back with a code.
        UserFlow again = new UserFlow(SERVER);
        again.browser.setCookie("latchkey_user", flow.browser.cookie("latchkey_user").orElseThrow());
        HttpResponse<String> direct = again.get(again.request(web.id(), "openid read", UserFlow.REDIRECT));
        assertThat(UserFlow.location(direct)).startsWith(UserFlow.REDIRECT + "?code=");
    }

    private static TokenResponse redeem(TestClient client, AuthorizationCode code, CodeVerifier verifier)
            throws Exception {
        TokenRequest request = new TokenRequest(SERVER.uri("/oauth2/token"),
                new ClientSecretBasic(new ClientID(client.id()), new Secret(client.secret())),
                new AuthorizationCodeGrant(code, URI.create(UserFlow.REDIRECT), verifier));
        return OIDCTokenResponseParser.parse(request.toHTTPRequest().send());
    }

    @Test
    void aPublicNativeClientUsesAnyLoopbackPortAndNoSecret() {
        UserFlow flow = new UserFlow(SERVER);
        HttpResponse<String> consent = flow.consentPage(app.id(), "read", "http://127.0.0.1:53124/callback", "alice",
                PASSWORD);
        HttpResponse<String> back = flow.consent(consent, "allow");
        String location = UserFlow.location(back);
        assertThat(location).startsWith("http://127.0.0.1:53124/callback?code=");
        String code = query(location, "code");

        HttpResponse<String> token = Http.postForm(SERVER.uri("/oauth2/token"), null, Map.of("grant_type",
                "authorization_code", "client_id", app.id(), "code", code, "redirect_uri",
                "http://127.0.0.1:53124/callback", "code_verifier", flow.verifier.getValue()));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        assertThat(Http.json(token)).containsKeys("access_token", "refresh_token").doesNotContainKey("id_token");
        assertThat(app.secret()).as("a public client gets no secret").isNull();

        // A public client cannot introspect: its id is no proof of anything.
        HttpResponse<String> introspect = Http.postForm(SERVER.uri("/oauth2/introspect"), null,
                Map.of("client_id", app.id(), "token", (String) Http.json(token).get("access_token")));
        assertThat(introspect.statusCode()).isEqualTo(401);
    }

    @Test
    void theMetadataAndTheOpenIdConfigurationDescribeTheCodeFlowNimbusReadsThem() throws Exception {
        HttpResponse<String> response = Http.get(SERVER.uri("/.well-known/openid-configuration"));
        OIDCProviderMetadata metadata = OIDCProviderMetadata.parse(response.body());
        assertThat(metadata.getAuthorizationEndpointURI()).isEqualTo(SERVER.uri("/oauth2/authorize"));
        assertThat(metadata.getIDTokenJWSAlgs()).contains(JWSAlgorithm.RS256);
        Map<String, Object> json = Http.json(response);
        assertThat(json).containsEntry("code_challenge_methods_supported", List.of("S256"))
                .containsEntry("response_types_supported", List.of("code"))
                .containsEntry("authorization_response_iss_parameter_supported", true);
        assertThat(Http.json(Http.get(SERVER.uri("/.well-known/oauth-authorization-server"))))
                .containsEntry("authorization_endpoint", SERVER.issuer() + "/oauth2/authorize");
    }

    // ---- the authorization request: refused with a page (never a redirect), or redirected with an error

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("an unknown client", page(), (Function<String, String>) q -> q.replace(web.id(), "nobody")),
                Arguments.of("an unregistered redirect_uri", page(),
                        (Function<String, String>) q -> q.replace("app.example", "evil.example")),
                Arguments.of("a redirect_uri with another path", page(),
                        (Function<String, String>) q -> q.replace("callback", "callback%2F..")),
                Arguments.of("no code_challenge", redirect("invalid_request"),
                        (Function<String, String>) q -> q.replaceAll("code_challenge=[^&]+&?", "")),
                Arguments.of("plain PKCE", redirect("invalid_request"),
                        (Function<String, String>) q -> q.replace("code_challenge_method=S256", "code_challenge_method=plain")),
                Arguments.of("no PKCE method (plain by default)", redirect("invalid_request"),
                        (Function<String, String>) q -> q.replace("code_challenge_method=S256", "")),
                Arguments.of("the implicit grant", redirect("unsupported_response_type"),
                        (Function<String, String>) q -> q.replace("response_type=code", "response_type=token")),
                Arguments.of("a hybrid response type", redirect("unsupported_response_type"),
                        (Function<String, String>) q -> q.replace("response_type=code", "response_type=code+id_token")),
                Arguments.of("a scope not registered", redirect("invalid_scope"),
                        (Function<String, String>) q -> q.replace("scope=openid", "scope=admin+openid")),
                Arguments.of("a repeated parameter", redirect("invalid_request"),
                        (Function<String, String>) q -> q + "&scope=read"));
    }

    private static String page() {
        return "page";
    }

    private static String redirect(String error) {
        return error;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void aBadAuthorizationRequestIsRefusedTheSafeWay(String name, String expected, Function<String, String> spoil) {
        UserFlow flow = new UserFlow(SERVER);
        URI good = flow.request(web.id(), "openid read", UserFlow.REDIRECT);
        URI bad = URI.create(SERVER.uri("/oauth2/authorize") + "?" + spoil.apply(good.getRawQuery()));
        HttpResponse<String> response = flow.get(bad);
        if (expected.equals("page")) {
            assertThat(response.statusCode()).as("an error page, never a redirect").isEqualTo(400);
            assertThat(response.headers().firstValue("Location")).isEmpty();
            return;
        }
        assertThat(response.statusCode()).isEqualTo(303);
        String location = UserFlow.location(response);
        assertThat(location).startsWith(UserFlow.REDIRECT + "?");
        assertThat(query(location, "error")).isEqualTo(expected);
        assertThat(query(location, "state")).isEqualTo(flow.state.getValue());
        assertThat(query(location, "iss")).as("RFC 9207 on errors too").isEqualTo(SERVER.issuer());
    }

    @Test
    void promptNoneWithoutASessionAnswersLoginRequired() {
        UserFlow flow = new UserFlow(SERVER);
        URI request = URI.create(flow.request(web.id(), "openid", UserFlow.REDIRECT) + "&prompt=none");
        String location = UserFlow.location(flow.get(request));
        assertThat(query(location, "error")).isEqualTo("login_required");
        assertThat(query(location, "iss")).isEqualTo(SERVER.issuer());
    }

    @Test
    void consentDeniedAnswersAccessDeniedWithStateAndIss() {
        UserFlow flow = new UserFlow(SERVER);
        HttpResponse<String> page = flow.consentPage(web.id(), "openid write", UserFlow.REDIRECT, "alice", PASSWORD);
        assertThat(page.body()).contains("Photo Printer").contains("value=\"allow\"").contains("value=\"deny\"");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("frame-ancestors 'none'").contains("form-action 'self' https://app.example");
        String location = UserFlow.location(flow.consent(page, "deny"));
        assertThat(query(location, "error")).isEqualTo("access_denied");
        assertThat(query(location, "state")).isEqualTo(flow.state.getValue());
        assertThat(query(location, "iss")).isEqualTo(SERVER.issuer());
    }

    @Test
    void consentWithoutTheSessionsCsrfTokenIsRefused() {
        UserFlow flow = new UserFlow(SERVER);
        HttpResponse<String> page = flow.consentPage(web.id(), "openid write", UserFlow.REDIRECT, "alice", PASSWORD);
        HttpResponse<String> forged = flow.browser.postRaw("/oauth2/consent", Map.of("consent", "allow",
                "authorize", UserFlow.hidden(page.body()), "csrf", "forged"));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void loginWithoutItsFormTokenIsRefusedAndAWrongPasswordIsNotASession() {
        UserFlow flow = new UserFlow(SERVER);
        HttpResponse<String> forged = flow.browser.postRaw("/login", Map.of("username", "alice", "password", PASSWORD));
        assertThat(forged.statusCode()).isEqualTo(403);
        HttpResponse<String> start = flow.get(flow.request(web.id(), "openid", UserFlow.REDIRECT));
        HttpResponse<String> wrong = flow.login(UserFlow.location(start), "alice", "not the password at all");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(flow.browser.cookie("latchkey_user")).isEmpty();
    }

    @Test
    void aDashboardAdminCannotSignInAsAnEndUserNorAUserOnTheDashboard() {
        SERVER.server().assembly().accountManagement().createAdmin(Actor.commandLine(), "root", PASSWORD.toCharArray(),
                false);
        UserFlow flow = new UserFlow(SERVER);
        HttpResponse<String> start = flow.get(flow.request(web.id(), "openid", UserFlow.REDIRECT));
        assertThat(flow.login(UserFlow.location(start), "root", PASSWORD).statusCode()).isEqualTo(401);
        dev.latchkey.server.dashboard.WebSession dashboard = new dev.latchkey.server.dashboard.WebSession(SERVER);
        assertThat(dashboard.signIn("alice", PASSWORD).statusCode()).isEqualTo(401);
    }

    @Test
    void theSessionIdChangesAtSignInSoAPlantedOneIsUseless() {
        UserFlow flow = new UserFlow(SERVER);
        flow.browser.setCookie("latchkey_user", "planted-by-an-attacker");
        HttpResponse<String> start = flow.get(flow.request(web.id(), "openid", UserFlow.REDIRECT));
        HttpResponse<String> login = flow.login(UserFlow.location(start), "alice", PASSWORD);
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("latchkey_user=").doesNotContain("planted-by-an-attacker")
                .contains("HttpOnly").contains("SameSite=Lax");
    }

    // ---- the token request: each PKCE and code rule

    static Stream<Arguments> badRedemptions() {
        return Stream.of(
                Arguments.of("no code_verifier", Map.of("code_verifier", "")),
                Arguments.of("a wrong code_verifier", Map.of("code_verifier", new CodeVerifier().getValue())),
                Arguments.of("another redirect_uri", Map.of("redirect_uri", "https://app.example/other")),
                Arguments.of("an unknown code", Map.of("code", "made-up-code")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRedemptions")
    void aBadRedemptionIsInvalidGrant(String name, Map<String, String> change) {
        UserFlow flow = new UserFlow(SERVER);
        String code = query(flow.authorize(web.id(), "read", "alice", PASSWORD).toString(), "code");
        Map<String, String> form = new java.util.HashMap<>(Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", UserFlow.REDIRECT, "code_verifier", flow.verifier.getValue()));
        form.putAll(change);
        form.values().removeIf(String::isEmpty);
        HttpResponse<String> response = Http.postForm(SERVER.uri("/oauth2/token"), web.basicHeader(), form);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.json(response)).containsEntry("error", "invalid_grant");
    }

    @Test
    void anotherClientCannotRedeemTheCode() {
        TestClient other = SERVER.register(Map.of("grant_types", List.of("authorization_code"), "scope", "read",
                "redirect_uris", List.of(UserFlow.REDIRECT)));
        UserFlow flow = new UserFlow(SERVER);
        String code = query(flow.authorize(web.id(), "read", "alice", PASSWORD).toString(), "code");
        HttpResponse<String> response = Http.postForm(SERVER.uri("/oauth2/token"), other.basicHeader(),
                Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", UserFlow.REDIRECT,
                        "code_verifier", flow.verifier.getValue()));
        assertThat(Http.json(response)).containsEntry("error", "invalid_grant");
    }

    @Test
    void aCodeRedeemedTwiceRevokesEveryTokenItIssued() {
        UserFlow flow = new UserFlow(SERVER);
        String code = query(flow.authorize(web.id(), "openid offline_access read", "alice", PASSWORD).toString(),
                "code");
        Map<String, String> form = Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", UserFlow.REDIRECT, "code_verifier", flow.verifier.getValue());
        HttpResponse<String> first = Http.postForm(SERVER.uri("/oauth2/token"), web.basicHeader(), form);
        assertThat(first.statusCode()).isEqualTo(200);
        Map<String, Object> tokens = Http.json(first);

        HttpResponse<String> replay = Http.postForm(SERVER.uri("/oauth2/token"), web.basicHeader(), form);
        assertThat(Http.json(replay)).containsEntry("error", "invalid_grant");

        HttpResponse<String> introspected = Http.postForm(SERVER.uri("/oauth2/introspect"), web.basicHeader(),
                Map.of("token", (String) tokens.get("access_token")));
        assertThat(Http.json(introspected)).containsEntry("active", false);
        HttpResponse<String> refresh = Http.postForm(SERVER.uri("/oauth2/token"), web.basicHeader(),
                Map.of("grant_type", "refresh_token", "refresh_token", (String) tokens.get("refresh_token")));
        assertThat(Http.json(refresh)).containsEntry("error", "invalid_grant");
    }

    @Test
    void registrationRefusesUnsafeRedirectUris() {
        for (String uri : List.of("https://app.example/*", "https://app.example/cb#frag", "http://app.example/cb",
                "javascript:alert(1)")) {
            HttpResponse<String> response = Http.send(HttpRequest.newBuilder(SERVER.uri("/oauth2/register"))
                    .header("Authorization", "Bearer " + TestServer.INITIAL_ACCESS_TOKEN)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Http.toJson(Map.of("grant_types",
                            List.of("authorization_code"), "redirect_uris", List.of(uri))))).build());
            assertThat(response.statusCode()).as(uri).isEqualTo(400);
            assertThat(Http.json(response)).as(uri).containsEntry("error", "invalid_redirect_uri");
        }
    }

    @Test
    void aSinglePageAppReadsItsTokensCrossOriginButNoOtherOriginDoesAndAuthorizeHasNoCors() {
        TestClient spa = SERVER.register(Map.of("client_name", "SPA", "token_endpoint_auth_method", "none",
                "grant_types", List.of("authorization_code"), "scope", "read",
                "redirect_uris", List.of("https://spa.example/cb")));
        for (String origin : List.of("https://spa.example", "https://evil.example")) {
            UserFlow flow = new UserFlow(SERVER);
            HttpResponse<String> start = flow.get(flow.request(spa.id(), "read", "https://spa.example/cb"));
            HttpResponse<String> login = flow.login(UserFlow.location(start), "alice", PASSWORD);
            HttpResponse<String> next = flow.browser.get(UserFlow.location(login));
            String back = next.statusCode() == 303 ? UserFlow.location(next) : UserFlow.location(flow.consent(next, "allow"));
            String code = query(back, "code");
            HttpResponse<String> token = Http.send(HttpRequest.newBuilder(SERVER.uri("/oauth2/token"))
                    .header("Origin", origin).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(Http.encode(Map.of("grant_type", "authorization_code",
                            "client_id", spa.id(), "code", code, "redirect_uri", "https://spa.example/cb",
                            "code_verifier", flow.verifier.getValue())))).build());
            assertThat(token.statusCode()).isEqualTo(200);
            if (origin.equals("https://spa.example")) {
                assertThat(token.headers().firstValue("Access-Control-Allow-Origin")).contains(origin);
            } else {
                assertThat(token.headers().firstValue("Access-Control-Allow-Origin")).as(origin).isEmpty();
            }
        }
        HttpResponse<String> registration = Http.send(HttpRequest.newBuilder(SERVER.uri("/oauth2/register/" + spa.id()))
                .header("Origin", "https://spa.example").header("Authorization", "Bearer " + spa.registrationToken())
                .GET().build());
        assertThat(registration.headers().firstValue("Access-Control-Allow-Origin")).contains("https://spa.example");
        HttpResponse<String> jwks = Http.send(HttpRequest.newBuilder(SERVER.uri("/oauth2/jwks"))
                .header("Origin", "https://any.example").GET().build());
        assertThat(jwks.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        HttpResponse<String> preflight = Http.send(HttpRequest.newBuilder(SERVER.uri("/oauth2/authorize"))
                .header("Origin", "https://spa.example").method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(preflight.statusCode()).isEqualTo(405);
    }

    @Test
    void aClientThatRegisteredEs256GetsEs256IdTokensNimbusValidates() throws Exception {
        TestClient es = SERVER.register(Map.of("grant_types", List.of("authorization_code"), "scope", "read",
                "redirect_uris", List.of(UserFlow.REDIRECT), "id_token_signed_response_alg", "ES256"));
        UserFlow flow = new UserFlow(SERVER);
        AuthorizationSuccessResponse success = AuthorizationResponse.parse(
                flow.authorize(es.id(), "openid read", "alice", PASSWORD)).toSuccessResponse();
        TokenResponse response = redeem(es, success.getAuthorizationCode(), flow.verifier);
        OIDCTokenResponse tokens = (OIDCTokenResponse) response.toSuccessResponse();
        assertThat(((SignedJWT) tokens.getOIDCTokens().getIDToken()).getHeader().getAlgorithm())
                .isEqualTo(JWSAlgorithm.ES256);
        new IDTokenValidator(new Issuer(SERVER.issuer()), new ClientID(es.id()), JWSAlgorithm.ES256,
                new URL(SERVER.uri("/oauth2/jwks").toString())).validate(tokens.getOIDCTokens().getIDToken(), flow.nonce);
    }

    @Test
    void promptLoginAndMaxAgeAskAgainAndAResponseProfileShapesTheUsersTokens() {
        TestClient camel = SERVER.register(Map.of("client_name", "Camel", "grant_types",
                List.of("authorization_code", "refresh_token"), "scope", "read", "response_profile", "camel_case",
                "redirect_uris", List.of(UserFlow.REDIRECT)));
        UserFlow flow = new UserFlow(SERVER);
        String code = query(flow.authorize(camel.id(), "read", "alice", PASSWORD).toString(), "code");
        HttpResponse<String> token = Http.postForm(SERVER.uri("/oauth2/token"), camel.basicHeader(), Map.of(
                "grant_type", "authorization_code", "code", code, "redirect_uri", UserFlow.REDIRECT,
                "code_verifier", flow.verifier.getValue()));
        assertThat(Http.json(token)).containsKeys("accessToken", "refreshToken", "expiresIn")
                .doesNotContainKey("access_token");

        URI request = flow.request(camel.id(), "read", UserFlow.REDIRECT);
        assertThat(UserFlow.location(flow.get(request))).as("the session answers").startsWith(UserFlow.REDIRECT);
        assertThat(UserFlow.location(flow.get(URI.create(request + "&prompt=login")))).startsWith("/login?");
        assertThat(UserFlow.location(flow.get(URI.create(request + "&max_age=0")))).startsWith("/login?");
        assertThat(UserFlow.location(flow.get(URI.create(request + "&max_age=3600")))).startsWith(UserFlow.REDIRECT);
    }

    @Test
    void userinfoAnswersTheProfileAndEmailClaimsTheScopesAsk() throws Exception {
        SERVER.server().assembly().accountManagement().createUser(Actor.commandLine(), "emma", PASSWORD.toCharArray(),
                "emma@example.com");
        UserFlow flow = new UserFlow(SERVER);
        AuthorizationSuccessResponse success = AuthorizationResponse.parse(
                flow.authorize(web.id(), "openid profile email", "emma", PASSWORD)).toSuccessResponse();
        OIDCTokenResponse tokens = (OIDCTokenResponse) redeem(web, success.getAuthorizationCode(), flow.verifier)
                .toSuccessResponse();
        String access = tokens.getOIDCTokens().getAccessToken().getValue();
        for (HttpResponse<String> userinfo : List.of(
                Http.send(HttpRequest.newBuilder(SERVER.uri("/userinfo")).header("Authorization", "Bearer " + access)
                        .GET().build()),
                Http.postForm(SERVER.uri("/userinfo"), null, Map.of("access_token", access)))) {
            assertThat(userinfo.statusCode()).isEqualTo(200);
            assertThat(Http.json(userinfo)).containsEntry("preferred_username", "emma")
                    .containsEntry("email", "emma@example.com").containsEntry("email_verified", false);
        }
        HttpResponse<String> noToken = Http.get(SERVER.uri("/userinfo"));
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.headers().firstValue("WWW-Authenticate")).get().asString().startsWith("Bearer");
        TestClient machine = SERVER.register(Map.of("scope", "read"));
        String machineToken = (String) Http.json(Http.postForm(SERVER.uri("/oauth2/token"), machine.basicHeader(),
                Map.of("grant_type", "client_credentials"))).get("access_token");
        assertThat(Http.send(HttpRequest.newBuilder(SERVER.uri("/userinfo")).header("Authorization",
                "Bearer " + machineToken).GET().build()).statusCode()).as("a client's own token acts for no user")
                .isEqualTo(401);
    }

    static String query(String uri, String name) {
        String query = URI.create(uri).getRawQuery();
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            if (pair.substring(0, equals).equals(name)) {
                return java.net.URLDecoder.decode(pair.substring(equals + 1), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
