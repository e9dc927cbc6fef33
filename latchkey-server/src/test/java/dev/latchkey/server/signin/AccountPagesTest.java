package dev.latchkey.server.signin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.authorize.AuthorizationPolicy;
import dev.latchkey.server.dashboard.WebSession;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The end user's own pages: connected apps and revoking one (its tokens die at once), changing the
 * password, signing out everywhere, RP-initiated logout without open redirects, self sign-up, and
 * what introspection tells a resource server about a user's token. Every page refuses framing.
 */
class AccountPagesTest {

    @RegisterExtension
    static final TestServer SERVER = TestServer.realTime(config -> config.toBuilder()
            .users(new AuthorizationPolicy(false, Duration.ofMinutes(10), true)).build());

    static final String PASSWORD = "erin's long password";
    static TestClient web;

    @BeforeAll
    static void setUp() {
        SERVER.server().assembly().accountManagement().createUser(Actor.commandLine(), "erin", PASSWORD.toCharArray());
        web = SERVER.register(Map.of("client_name", "Calendar", "grant_types",
                List.of("authorization_code", "refresh_token"), "scope", "read", "redirect_uris",
                List.of(UserFlow.REDIRECT), "post_logout_redirect_uris", List.of("https://app.example/bye")));
    }

    /** Signs erin in through the code flow and returns its tokens and the flow (its browser keeps the session). */
    static Map<String, Object> tokens(UserFlow flow, String scope) {
        String code = AuthorizationCodeFlowTest.query(flow.authorize(web.id(), scope, "erin", PASSWORD).toString(),
                "code");
        HttpResponse<String> response = Http.postForm(SERVER.uri("/oauth2/token"), web.basicHeader(), Map.of(
                "grant_type", "authorization_code", "code", code, "redirect_uri", UserFlow.REDIRECT,
                "code_verifier", flow.verifier.getValue()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Http.json(response);
    }

    @Test
    void revokingAConnectedAppKillsItsTokensAtOnce() {
        UserFlow flow = new UserFlow(SERVER);
        Map<String, Object> tokens = tokens(flow, "read");
        HttpResponse<String> introspection = Http.postForm(SERVER.uri("/oauth2/introspect"), web.basicHeader(),
                Map.of("token", (String) tokens.get("access_token")));
        assertThat(Http.json(introspection)).containsEntry("active", true).containsEntry("username", "erin")
                .containsEntry("client_id", web.id());
        assertThat((String) Http.json(introspection).get("sub")).startsWith("usr_");

        HttpResponse<String> account = flow.browser.get("/account");
        assertThat(account.statusCode()).isEqualTo(200);
        assertThat(account.body()).contains("Connected apps").contains("Calendar").contains("read");
        HttpResponse<String> revoked = flow.browser.post("/account/apps/" + web.id() + "/revoke", Map.of());
        assertThat(UserFlow.location(revoked)).isEqualTo("/account?notice=revoked");

        assertThat(Http.json(Http.postForm(SERVER.uri("/oauth2/introspect"), web.basicHeader(),
                Map.of("token", (String) tokens.get("access_token"))))).containsEntry("active", false);
        HttpResponse<String> refresh = Http.postForm(SERVER.uri("/oauth2/token"), web.basicHeader(), Map.of(
                "grant_type", "refresh_token", "refresh_token", (String) tokens.get("refresh_token")));
        assertThat(Http.json(refresh)).containsEntry("error", "invalid_grant");
        assertThat(flow.browser.get("/account").body()).doesNotContain("Calendar");
    }

    @Test
    void revokingWithoutTheCsrfTokenIsRefused() {
        UserFlow flow = new UserFlow(SERVER);
        tokens(flow, "read");
        HttpResponse<String> forged = flow.browser.postRaw("/account/apps/" + web.id() + "/revoke",
                Map.of("csrf", "forged"));
        assertThat(forged.statusCode()).isEqualTo(403);
    }

    @Test
    void signingOutEverywhereEndsEverySession() {
        UserFlow first = new UserFlow(SERVER);
        tokens(first, "read");
        UserFlow second = new UserFlow(SERVER);
        tokens(second, "read");
        second.browser.get("/account");
        second.browser.post("/account/signout-everywhere", Map.of());
        assertThat(UserFlow.location(first.browser.get("/account"))).startsWith("/login");
        assertThat(UserFlow.location(second.browser.get("/account"))).startsWith("/login");
    }

    @Test
    void logoutFollowsOnlyARegisteredPostLogoutRedirectUri() {
        UserFlow flow = new UserFlow(SERVER);
        tokens(flow, "read");
        HttpResponse<String> evil = flow.browser.get("/logout?client_id=" + web.id() + "&post_logout_redirect_uri="
                + URLEncoder.encode("https://evil.example/", StandardCharsets.UTF_8));
        assertThat(evil.statusCode()).isEqualTo(400);
        assertThat(evil.headers().firstValue("Location")).isEmpty();

        // Without an id_token_hint the user is asked: a link on another site cannot sign them out.
        String query = "client_id=" + web.id() + "&post_logout_redirect_uri="
                + URLEncoder.encode("https://app.example/bye", StandardCharsets.UTF_8) + "&state=s1";
        HttpResponse<String> asked = flow.browser.get("/logout?" + query);
        assertThat(asked.statusCode()).isEqualTo(200);
        assertThat(UserFlow.location(flow.browser.get("/account"))).as("still signed in").isEmpty();
        HttpResponse<String> confirmed = flow.browser.post("/logout", Map.of("query", query));
        assertThat(UserFlow.location(confirmed)).isEqualTo("https://app.example/bye?state=s1");
        assertThat(UserFlow.location(flow.browser.get("/account"))).startsWith("/login");
    }

    @Test
    void logoutWithTheUsersIdTokenNeedsNoQuestion() {
        UserFlow flow = new UserFlow(SERVER);
        Map<String, Object> tokens = tokens(flow, "openid read");
        HttpResponse<String> out = flow.browser.get("/logout?id_token_hint=" + tokens.get("id_token")
                + "&post_logout_redirect_uri=" + URLEncoder.encode("https://app.example/bye", StandardCharsets.UTF_8));
        assertThat(UserFlow.location(out)).isEqualTo("https://app.example/bye");
        assertThat(UserFlow.location(flow.browser.get("/account"))).startsWith("/login");
    }

    @Test
    void changingThePasswordKeepsThisSessionAndEndsTheOthers() {
        SERVER.server().assembly().accountManagement().createUser(Actor.commandLine(), "frank",
                "frank's first password".toCharArray());
        WebSession other = WebSession.users(SERVER);
        other.get("/login?next=/account");
        other.post("/login", Map.of("username", "frank", "password", "frank's first password", "next", "/account"));
        WebSession browser = WebSession.users(SERVER);
        browser.get("/login?next=/account");
        browser.post("/login", Map.of("username", "frank", "password", "frank's first password", "next", "/account"));
        browser.get("/account");
        HttpResponse<String> changed = browser.post("/account/password", Map.of("current", "frank's first password",
                "password", "frank's second password", "confirm", "frank's second password"));
        assertThat(UserFlow.location(changed)).isEqualTo("/account?notice=password");
        assertThat(browser.get("/account?notice=password").body()).contains("Your password is changed");
        assertThat(UserFlow.location(other.get("/account"))).startsWith("/login");
    }

    @Test
    void aPersonSignsUpAndContinuesTheAuthorization() {
        UserFlow flow = new UserFlow(SERVER);
        HttpResponse<String> start = flow.get(flow.request(web.id(), "read", UserFlow.REDIRECT));
        HttpResponse<String> login = flow.browser.get(UserFlow.location(start));
        assertThat(login.body()).contains("/signup?authorize=");
        String authorize = UserFlow.hidden(login.body());
        flow.browser.get("/signup?authorize=" + URLEncoder.encode(authorize, StandardCharsets.UTF_8));
        HttpResponse<String> signedUp = flow.browser.post("/signup", Map.of("username", "grace",
                "password", "grace's own password", "confirm", "grace's own password", "authorize", authorize));
        assertThat(UserFlow.location(signedUp)).startsWith("/oauth2/authorize?");
        HttpResponse<String> consent = flow.browser.get(UserFlow.location(signedUp));
        assertThat(consent.body()).contains("value=\"allow\"");

        HttpResponse<String> taken = flow.browser.post("/signup", Map.of("username", "erin",
                "password", "another long password", "confirm", "another long password"));
        assertThat(taken.statusCode()).isIn(403, 400);
    }

    @Test
    void anAdminInvitesAUserWhoSetsAPasswordAndSignsInWhereAppsSendThem() {
        var invitation = SERVER.server().assembly().accountManagement().invite(Actor.commandLine(), "ivy",
                dev.latchkey.core.account.Role.USER);
        WebSession page = new WebSession(SERVER);
        page.get("/dashboard/invitation/" + invitation.token());
        HttpResponse<String> accepted = page.post("/dashboard/invitation/" + invitation.token(), Map.of(
                "password", "ivy's chosen password", "confirm", "ivy's chosen password"));
        assertThat(UserFlow.location(accepted)).isEqualTo("/login?next=/account");
        WebSession browser = WebSession.users(SERVER);
        browser.get("/login?next=/account");
        HttpResponse<String> login = browser.post("/login", Map.of("username", "ivy",
                "password", "ivy's chosen password", "next", "/account"));
        assertThat(UserFlow.location(login)).isEqualTo("/account");
        assertThat(browser.get("/account").body()).contains("Signed in as ivy");
    }

    @Test
    void everyEndUserPageRefusesFraming() {
        UserFlow flow = new UserFlow(SERVER);
        tokens(flow, "read");
        for (String path : List.of("/account", "/device", "/login", "/signup", "/logout")) {
            HttpResponse<String> page = flow.browser.get(path);
            assertThat(page.headers().firstValue("X-Frame-Options")).as(path).contains("DENY");
            assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).as(path)
                    .contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
        }
        HttpResponse<String> authorize = flow.get(URI.create(flow.request(web.id(), "read", UserFlow.REDIRECT)
                + "&prompt=consent"));
        assertThat(authorize.headers().firstValue("X-Frame-Options")).contains("DENY");
    }
}
