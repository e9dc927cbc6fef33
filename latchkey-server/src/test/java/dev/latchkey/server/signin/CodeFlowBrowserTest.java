package dev.latchkey.server.signin;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.AuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import com.sun.net.httpserver.HttpServer;
import dev.latchkey.core.audit.Actor;
import dev.latchkey.server.testing.Browser;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The code flow in a real headless Chromium: the browser opens the authorization request, a person
 * types into the login form and presses Allow on the consent page, and the browser lands on the
 * client's loopback callback (a small HTTP server here), whose code the Nimbus SDK redeems; it
 * validates the id_token against the JWKS. A confidential web client and a public native one.
 * axe-core checks the login and consent pages.
 */
class CodeFlowBrowserTest {

    private static final String PASSWORD = "bob's long password 42";

    @RegisterExtension
    static final TestServer SERVER = TestServer.realTime(config -> config);

    @RegisterExtension
    static final Browser BROWSER = new Browser();

    private static HttpServer callback;
    private static final AtomicReference<String> LANDED = new AtomicReference<>();

    @BeforeAll
    static void setUp() throws Exception {
        SERVER.server().assembly().accountManagement().createUser(Actor.commandLine(), "bob", PASSWORD.toCharArray());
        callback = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        callback.createContext("/callback", exchange -> {
            LANDED.set(exchange.getRequestURI().toString());
            byte[] page = "<!DOCTYPE html><title>Signed in</title><p>Back in the app.".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        callback.start();
    }

    @AfterAll
    static void tearDown() {
        callback.stop(0);
    }

    private static String redirect() {
        return "http://127.0.0.1:" + callback.getAddress().getPort() + "/callback";
    }

    @Test
    void aPersonSignsInAndAllowsAWebClientWhichRedeemsTheCodeWithNimbus() throws Exception {
        TestClient web = SERVER.register(Map.of("client_name", "Print Shop", "scope", "read",
                "grant_types", List.of("authorization_code", "refresh_token"), "redirect_uris", List.of(redirect())));
        UserFlow flow = new UserFlow(SERVER);
        BROWSER.deleteCookies();
        BROWSER.open(flow.request(web.id(), "openid read", redirect()).toString());
        assertThat(BROWSER.url()).contains("/login");
        assertThat(BROWSER.accessibilityViolations()).as("login page").isEmpty();
        screenshots("login");
        assertThat(BROWSER.find(By.cssSelector("input[autocomplete=username]")).isDisplayed()).isTrue();
        assertThat(BROWSER.find(By.cssSelector("input[type=password][autocomplete=current-password]")).isDisplayed())
                .isTrue();
        BROWSER.type("username", "bob").type("password", PASSWORD).press("Sign in");

        assertThat(BROWSER.textOf(By.tagName("main"))).contains("Print Shop").contains("openid").contains("read");
        assertThat(BROWSER.accessibilityViolations()).as("consent page").isEmpty();
        screenshots("consent");
        BROWSER.submit(By.cssSelector("button[name=consent][value=allow]"));

        assertThat(BROWSER.url()).startsWith(redirect());
        AuthorizationSuccessResponse success = AuthorizationResponse.parse(URI.create(BROWSER.url()))
                .toSuccessResponse();
        assertThat(success.getState()).isEqualTo(flow.state);
        assertThat(success.getIssuer()).isEqualTo(new Issuer(SERVER.issuer()));
        OIDCTokenResponse tokens = redeem(success.getAuthorizationCode(), flow,
                new ClientSecretBasic(new ClientID(web.id()), new Secret(web.secret())), web.id());
        var claims = new IDTokenValidator(new Issuer(SERVER.issuer()), new ClientID(web.id()), JWSAlgorithm.RS256,
                new URL(SERVER.uri("/oauth2/jwks").toString())).validate(tokens.getOIDCTokens().getIDToken(), flow.nonce);
        assertThat(claims.getSubject().getValue()).startsWith("usr_");

        BROWSER.open(SERVER.issuer() + "/account");
        assertThat(BROWSER.textOf(By.tagName("main"))).contains("Connected apps").contains("Print Shop");
        assertThat(BROWSER.accessibilityViolations()).as("account page").isEmpty();
        screenshots("account");
    }

    @Test
    void aPublicNativeClientGetsItsCodeOnALoopbackPortWithoutASecret() throws Exception {
        TestClient app = SERVER.register(Map.of("client_name", "Desk App", "scope", "read", "application_type", "native",
                "token_endpoint_auth_method", "none", "grant_types", List.of("authorization_code", "refresh_token"),
                "redirect_uris", List.of("http://127.0.0.1/callback")));
        UserFlow flow = new UserFlow(SERVER);
        BROWSER.deleteCookies();
        BROWSER.open(flow.request(app.id(), "openid offline_access read", redirect()).toString());
        BROWSER.type("username", "bob").type("password", PASSWORD).press("Sign in");
        BROWSER.submit(By.cssSelector("button[name=consent][value=allow]"));
        assertThat(LANDED.get()).contains("code=");
        AuthorizationSuccessResponse success = AuthorizationResponse.parse(URI.create(BROWSER.url()))
                .toSuccessResponse();
        OIDCTokenResponse tokens = redeem(success.getAuthorizationCode(), flow, null, app.id());
        assertThat(tokens.getOIDCTokens().getRefreshToken()).isNotNull();
        assertThat(tokens.getOIDCTokens().getIDToken()).isNotNull();
    }

    @Test
    void aPersonEntersATvsUserCodeInTheBrowserAndTheTvGetsTokens() {
        TestClient tv = SERVER.register(Map.of("client_name", "Kitchen TV", "scope", "read",
                "token_endpoint_auth_method", "none",
                "grant_types", List.of("urn:ietf:params:oauth:grant-type:device_code")));
        Map<String, Object> started = dev.latchkey.server.testing.Http.json(dev.latchkey.server.testing.Http.postForm(
                SERVER.uri("/oauth2/device_authorization"), null, Map.of("client_id", tv.id(), "scope", "read")));
        BROWSER.deleteCookies();
        BROWSER.open(SERVER.issuer() + "/device");
        BROWSER.type("username", "bob").type("password", PASSWORD).press("Sign in");
        assertThat(BROWSER.textOf(By.tagName("main"))).contains("Continue only if you started this on your own device");
        assertThat(BROWSER.accessibilityViolations()).as("verification page").isEmpty();
        screenshots("device");
        BROWSER.type("user_code", ((String) started.get("user_code")).toLowerCase()).press("Continue");
        assertThat(BROWSER.textOf(By.tagName("main"))).contains("Kitchen TV");
        BROWSER.submit(By.cssSelector("button[name=consent][value=allow]"));
        assertThat(BROWSER.textOf(By.tagName("main"))).contains("You may return to your device");

        var tokens = dev.latchkey.server.testing.Http.postForm(SERVER.uri("/oauth2/token"), null, Map.of("grant_type",
                "urn:ietf:params:oauth:grant-type:device_code", "client_id", tv.id(),
                "device_code", (String) started.get("device_code")));
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
    }

    private static void screenshots(String name) {
        BROWSER.screenshotsAtBothWidths("signin-" + name);
    }

    private OIDCTokenResponse redeem(AuthorizationCode code, UserFlow flow, ClientAuthentication auth, String clientId)
            throws Exception {
        AuthorizationCodeGrant grant = new AuthorizationCodeGrant(code, URI.create(redirect()), flow.verifier);
        TokenRequest request = auth == null
                ? new TokenRequest(SERVER.uri("/oauth2/token"), new ClientID(clientId), grant)
                : new TokenRequest(SERVER.uri("/oauth2/token"), auth, grant);
        TokenResponse response = OIDCTokenResponseParser.parse(request.toHTTPRequest().send());
        assertThat(response.indicatesSuccess()).as(response.indicatesSuccess() ? ""
                : response.toErrorResponse().getErrorObject().toString()).isTrue();
        return (OIDCTokenResponse) response.toSuccessResponse();
    }
}
