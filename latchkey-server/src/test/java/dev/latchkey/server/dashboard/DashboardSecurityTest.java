package dev.latchkey.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.account.Role;
import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.manage.AccountManagement;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a stranger, another developer and a careless form can make the dashboard do: CSRF, cookie
 * flags, a new session at sign-in, throttling, apps of others, script in names, and the headers
 * every page carries.
 */
class DashboardSecurityTest {

    @RegisterExtension
    static final TestServer SERVER = new TestServer();

    private static final String ADMIN_PASSWORD = "the admin's password";

    @BeforeAll
    static void accounts() {
        AccountManagement accounts = SERVER.server().assembly().accountManagement();
        accounts.createAdmin(Actor.commandLine(), "boss", ADMIN_PASSWORD.toCharArray(), false);
        for (String developer : List.of("alice", "bob", "carol")) {
            AccountManagement.Invitation invitation = accounts.invite(Actor.commandLine(), developer, Role.DEVELOPER);
            accounts.acceptInvitation(invitation.token(), (developer + "'s password").toCharArray(), null);
        }
    }

    private static WebSession signedIn(String username, String password) {
        WebSession browser = new WebSession(SERVER);
        assertThat(browser.signIn(username, password).statusCode()).isEqualTo(303);
        return browser;
    }

    /** Creates an app on the dashboard as the browser's account; its client id. */
    private static String createApp(WebSession browser, String name) {
        browser.get("/dashboard/clients/new");
        HttpResponse<String> created = browser.post("/dashboard/clients", Map.of("client_name", name));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        int start = created.body().indexOf("id=\"client-id\">") + "id=\"client-id\">".length();
        return created.body().substring(start, created.body().indexOf('<', start));
    }

    @Test
    void theSettingsTabMakesAPublicCodeFlowClientAndOnlyAnAdminMakesOneFirstParty() {
        WebSession developer = signedIn("alice", "alice's password");
        String clientId = createApp(developer, "Phone app");
        developer.get("/dashboard/clients/" + clientId + "/settings");
        Map<String, String> settings = new java.util.HashMap<>(Map.of("client_name", "Phone app",
                "grant_authorization_code", "on", "refresh_token", "on", "token_endpoint_auth_method", "none",
                "application_type", "native", "redirect_uris", "http://127.0.0.1/callback\ncom.example.phone:/cb",
                "access_token_format", "jwt", "response_profile", "rfc6749", "id_token_signed_response_alg", "RS256"));
        HttpResponse<String> saved = developer.post("/dashboard/clients/" + clientId + "/settings", settings);
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(303);
        var client = SERVER.server().assembly().clientManagement().show(Actor.commandLine(), clientId);
        assertThat(client.isPublic()).isTrue();
        assertThat(client.metadata().userFlows().redirectUris()).hasSize(2);
        assertThat(client.metadata().allows(dev.latchkey.core.grant.GrantType.CLIENT_CREDENTIALS)).isFalse();

        settings.put("first_party", "on");
        developer.get("/dashboard/clients/" + clientId + "/settings");
        developer.post("/dashboard/clients/" + clientId + "/settings", settings);
        assertThat(SERVER.server().assembly().clientManagement().show(Actor.commandLine(), clientId).metadata()
                .userFlows().firstParty()).as("a developer's first_party is ignored").isFalse();
        WebSession admin = signedIn("boss", ADMIN_PASSWORD);
        admin.get("/dashboard/clients/" + clientId + "/settings");
        assertThat(admin.post("/dashboard/clients/" + clientId + "/settings", settings).statusCode()).isEqualTo(303);
        assertThat(SERVER.server().assembly().clientManagement().show(Actor.commandLine(), clientId).metadata()
                .userFlows().firstParty()).isTrue();

        settings.put("redirect_uris", "https://app.example/*");
        developer.get("/dashboard/clients/" + clientId + "/settings");
        HttpResponse<String> wildcard = developer.post("/dashboard/clients/" + clientId + "/settings", settings);
        assertThat(wildcard.statusCode()).isEqualTo(400);
        assertThat(wildcard.body()).contains("wildcard");
    }

    @Test
    void aStateChangingFormWithoutItsCsrfTokenOrWithAWrongOneIs403() {
        WebSession admin = signedIn("boss", ADMIN_PASSWORD);
        HttpResponse<String> missing = admin.postRaw("/dashboard/clients", Map.of("client_name", "forged"));
        HttpResponse<String> wrong = admin.postRaw("/dashboard/clients", Map.of("client_name", "forged",
                "csrf", AccountManagement.csrfToken("someone else's cookie")));
        assertThat(missing.statusCode()).isEqualTo(403);
        assertThat(wrong.statusCode()).isEqualTo(403);

        WebSession stranger = new WebSession(SERVER);
        stranger.get("/dashboard/signin");
        HttpResponse<String> noFormCookie = new WebSession(SERVER).post("/dashboard/signin",
                Map.of("username", "boss", "password", ADMIN_PASSWORD, "csrf", stranger.csrf()));
        assertThat(noFormCookie.statusCode()).as("sign-in needs the token bound to its own form's cookie").isEqualTo(403);

        HttpResponse<String> apiWithSession = AdminApiTest.call(SERVER, "POST", "/admin/api/v1/clients", "{}", null);
        assertThat(apiWithSession.statusCode()).isEqualTo(401);
        HttpResponse<String> apiWithoutHeader = Http.send(HttpRequest.newBuilder(SERVER.uri("/admin/api/v1/clients"))
                .header("Cookie", "latchkey_session=" + admin.cookie("latchkey_session").orElseThrow())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(apiWithoutHeader.statusCode()).as("a session without X-CSRF-Token cannot change state").isEqualTo(403);
        HttpResponse<String> apiWithHeader = Http.send(HttpRequest.newBuilder(SERVER.uri("/admin/api/v1/clients"))
                .header("Cookie", "latchkey_session=" + admin.cookie("latchkey_session").orElseThrow())
                .header("X-CSRF-Token", admin.csrf())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(apiWithHeader.statusCode()).isEqualTo(201);
    }

    @Test
    void theSessionCookieIsHttpOnlyStrictAndNewAtEverySignIn() {
        WebSession browser = new WebSession(SERVER);
        browser.setCookie("latchkey_session", "fixated-by-an-attacker");
        browser.get("/dashboard/signin");
        HttpResponse<String> signIn = browser.post("/dashboard/signin", Map.of("username", "boss",
                "password", ADMIN_PASSWORD));
        String setCookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("latchkey_session=").contains("HttpOnly").contains("SameSite=Strict")
                .contains("Path=/").doesNotContain("Secure").doesNotContain("__Host-");
        String first = cookieValue(setCookie);
        assertThat(first).isNotEqualTo("fixated-by-an-attacker").hasSizeGreaterThan(40);

        browser.get("/dashboard/signin");
        HttpResponse<String> again = browser.post("/dashboard/signin", Map.of("username", "boss",
                "password", ADMIN_PASSWORD));
        assertThat(cookieValue(again.headers().firstValue("Set-Cookie").orElseThrow())).isNotEqualTo(first);
        assertThat(SERVER.server().assembly().accountManagement().session(first)).as("the first session still lives")
                .isPresent();
    }

    private static String cookieValue(String setCookie) {
        return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    }

    @Test
    void overHttpsTheCookieIsSecureAndHostPrefixed() throws Exception {
        try (TestServer https = TestServer.startNew(config -> config.withIssuer("https://auth.example.com"))) {
            https.server().assembly().accountManagement().createAdmin(Actor.commandLine(), "tls", ADMIN_PASSWORD
                    .toCharArray(), false);
            // A Secure cookie is never sent back over plain HTTP, so the test carries the form's cookie by hand
            // (in production TLS ends at the server or at a proxy in front of it).
            HttpResponse<String> form = Http.send(HttpRequest.newBuilder(https.uri("/dashboard/signin")).GET().build());
            String formCookie = form.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(formCookie).startsWith(Pages.PRE_SESSION_COOKIE + "=").contains("Secure").contains("HttpOnly");
            String csrf = WebSession.csrfIn(form.body());
            assertThat(csrf).isNotNull();
            HttpResponse<String> signIn = Http.send(HttpRequest.newBuilder(https.uri("/dashboard/signin"))
                    .header("Cookie", Pages.PRE_SESSION_COOKIE + "=" + cookieValue(formCookie))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(Http.encode(Map.of("csrf", csrf,
                            "username", "tls", "password", ADMIN_PASSWORD)))).build());
            assertThat(signIn.statusCode()).isEqualTo(303);
            assertThat(signIn.headers().firstValue("Set-Cookie").orElseThrow())
                    .startsWith("__Host-latchkey_session=").contains("Secure").contains("HttpOnly")
                    .contains("SameSite=Strict").contains("Path=/").doesNotContain("Domain");
        }
    }

    @Test
    void repeatedWrongPasswordsAreThrottledEvenForTheRightOne() {
        WebSession browser = new WebSession(SERVER);
        for (int i = 0; i < 3; i++) {
            browser.get("/dashboard/signin");
            assertThat(browser.post("/dashboard/signin", Map.of("username", "carol", "password", "wrong " + i))
                    .statusCode()).isEqualTo(401);
        }
        browser.get("/dashboard/signin");
        browser.post("/dashboard/signin", Map.of("username", "carol", "password", "wrong again"));
        browser.get("/dashboard/signin");
        HttpResponse<String> locked = browser.post("/dashboard/signin", Map.of("username", "carol",
                "password", "carol's password"));
        assertThat(locked.statusCode()).isEqualTo(429);
        assertThat(locked.headers().firstValue("Retry-After")).isPresent();
        assertThat(locked.body()).contains("Too many failed sign-ins");

        browser.get("/dashboard/signin");
        HttpResponse<String> unknown = browser.post("/dashboard/signin", Map.of("username", "nobody-at-all",
                "password", "whatever it is"));
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(unknown.body()).contains("The username or the password is wrong");
    }

    @Test
    void oneDevelopersAppIsNotFoundForAnother() {
        WebSession alice = signedIn("alice", "alice's password");
        String app = createApp(alice, "alice's app");
        WebSession bob = signedIn("bob", "bob's password");

        for (String tab : List.of("settings", "access", "credentials", "tokens", "activity", "quickstart", "danger")) {
            assertThat(bob.get("/dashboard/clients/" + app + "/" + tab).statusCode()).as(tab).isEqualTo(404);
            assertThat(alice.get("/dashboard/clients/" + app + "/" + tab).statusCode()).as(tab).isEqualTo(200);
        }
        bob.get("/dashboard/clients");
        assertThat(bob.post("/dashboard/clients/" + app + "/disable", Map.of()).statusCode()).isEqualTo(404);
        assertThat(bob.post("/dashboard/clients/" + app + "/delete", Map.of("confirm", "on")).statusCode()).isEqualTo(404);
        assertThat(bob.get("/dashboard/clients").body()).doesNotContain(app);
        assertThat(bob.get("/dashboard/apis").statusCode()).as("admins only").isEqualTo(403);
        assertThat(bob.get("/dashboard/accounts").statusCode()).isEqualTo(403);
        assertThat(bob.get("/dashboard/audit").body()).doesNotContain(app);
        assertThat(alice.get("/dashboard/audit").body()).contains(app);
    }

    @Test
    void aNameWithScriptIsEscapedEverywhere() {
        WebSession admin = signedIn("boss", ADMIN_PASSWORD);
        String script = "<script>alert(1)</script>";
        String app = createApp(admin, script);
        List<String> pages = List.of("/dashboard/clients", "/dashboard/clients?search=script",
                "/dashboard/clients/" + app + "/settings", "/dashboard/clients/" + app + "/quickstart",
                "/dashboard/audit");
        for (String page : pages) {
            HttpResponse<String> response = admin.get(page);
            assertThat(response.body()).as(page).doesNotContain(script).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        }
        HttpResponse<String> search = admin.get("/dashboard/clients?search=%22%3E%3Cscript%3Ealert(2)%3C/script%3E");
        assertThat(search.body()).doesNotContain("<script>alert(2)</script>");
    }

    @Test
    void everyPageCarriesTheSecurityHeaders() {
        WebSession admin = signedIn("boss", ADMIN_PASSWORD);
        String app = createApp(admin, "headers");
        List<String> paths = List.of("/dashboard/signin", "/dashboard/", "/dashboard/password", "/dashboard/clients",
                "/dashboard/clients/new", "/dashboard/clients/" + app + "/settings", "/dashboard/clients/" + app + "/access",
                "/dashboard/clients/" + app + "/credentials", "/dashboard/clients/" + app + "/tokens",
                "/dashboard/clients/" + app + "/activity", "/dashboard/clients/" + app + "/quickstart",
                "/dashboard/clients/" + app + "/danger", "/dashboard/apis", "/dashboard/audit", "/dashboard/accounts",
                "/dashboard/clients/no-such-app/settings", "/dashboard/invitation/no-such-token",
                "/dashboard/assets/latchkey.css");
        for (String path : paths) {
            HttpResponse<String> response = admin.get(path);
            assertThat(response.headers().firstValue("Content-Security-Policy")).as(path)
                    .hasValue(Views.CONTENT_SECURITY_POLICY);
            assertThat(Views.CONTENT_SECURITY_POLICY).contains("script-src 'self'").contains("style-src 'self'")
                    .contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
            assertThat(response.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
            assertThat(response.headers().firstValue("Referrer-Policy")).as(path).hasValue("no-referrer");
            if (response.headers().firstValue("Content-Type").orElse("").startsWith("text/html")) {
                // The only script is htmx, from the dashboard's own assets, with no body.
                assertThat(response.body().replace("<script src=\"/dashboard/assets/htmx.min.js\" defer></script>", ""))
                        .as(path + ": no inline script or handler")
                        .doesNotContain("<script").doesNotContain(" onclick=").doesNotContain(" style=")
                        .doesNotContain("hx-on").doesNotContain("javascript:");
            }
        }
        assertThat(new WebSession(SERVER).get("/dashboard/clients").statusCode()).as("signed out: to sign-in")
                .isEqualTo(303);
    }
}
