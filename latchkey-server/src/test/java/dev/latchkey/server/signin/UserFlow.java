package dev.latchkey.server.signin;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import dev.latchkey.server.dashboard.WebSession;
import dev.latchkey.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One user's browser walking the code flow over HTTP, without a browser: the authorization request
 * (built by Nimbus), the login form, the consent form, and the redirect back.
 */
final class UserFlow {

    static final String REDIRECT = "https://app.example/callback";
    private static final Pattern AUTHORIZE = Pattern.compile("name=\"authorize\" value=\"([^\"]*)\"");

    final TestServer server;
    final WebSession browser;
    final CodeVerifier verifier = new CodeVerifier();
    final State state = new State();
    final Nonce nonce = new Nonce();

    UserFlow(TestServer server) {
        this.server = server;
        this.browser = WebSession.users(server);
    }

    /** The authorization request as Nimbus builds it: code, S256, state, nonce. */
    URI request(String clientId, String scope, String redirect) {
        if (!Scope.parse(scope).contains("openid")) {
            return new com.nimbusds.oauth2.sdk.AuthorizationRequest.Builder(new ResponseType("code"), new ClientID(clientId))
                    .scope(Scope.parse(scope)).redirectionURI(URI.create(redirect)).state(state)
                    .codeChallenge(verifier, CodeChallengeMethod.S256)
                    .endpointURI(server.uri("/oauth2/authorize")).build().toURI();
        }
        return new AuthenticationRequest.Builder(new ResponseType("code"), Scope.parse(scope), new ClientID(clientId),
                URI.create(redirect)).state(state).nonce(nonce).codeChallenge(verifier, CodeChallengeMethod.S256)
                .endpointURI(server.uri("/oauth2/authorize")).build().toURI();
    }

    HttpResponse<String> get(URI uri) {
        return browser.get(uri.toString());
    }

    /** Follows the request through login and consent (allow); returns the redirect to the client. */
    URI authorize(String clientId, String scope, String username, String password) {
        HttpResponse<String> response = get(request(clientId, scope, REDIRECT));
        if (location(response).startsWith("/login")) {
            response = login(location(response), username, password);
            assertThat(response.statusCode()).as("sign-in answers a redirect").isEqualTo(303);
            response = browser.get(location(response));
        }
        if (response.statusCode() == 200 && response.body().contains("name=\"consent\"")) {
            response = consent(response, "allow");
        }
        assertThat(response.statusCode()).as("redirect back to the client: " + response.body()).isEqualTo(303);
        return URI.create(location(response));
    }

    /** Starts a request, signs in, and returns the consent page it leads to. */
    HttpResponse<String> consentPage(String clientId, String scope, String redirect, String username,
            String password) {
        HttpResponse<String> start = get(request(clientId, scope, redirect));
        HttpResponse<String> login = login(location(start), username, password);
        return browser.get(location(login));
    }

    HttpResponse<String> login(String loginPath, String username, String password) {
        HttpResponse<String> form = browser.get(loginPath);
        assertThat(form.statusCode()).isEqualTo(200);
        return browser.post("/login", Map.of("username", username, "password", password,
                "authorize", hidden(form.body())));
    }

    HttpResponse<String> consent(HttpResponse<String> page, String choice) {
        return browser.post("/oauth2/consent", Map.of("consent", choice, "authorize", hidden(page.body())));
    }

    static String hidden(String page) {
        Matcher matcher = AUTHORIZE.matcher(page);
        assertThat(matcher.find()).as("the page carries the request").isTrue();
        return matcher.group(1).replace("&#34;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&quot;", "\"").replace("&amp;", "&");
    }

    static String location(HttpResponse<String> response) {
        return response.headers().firstValue("Location").orElse("");
    }
}
