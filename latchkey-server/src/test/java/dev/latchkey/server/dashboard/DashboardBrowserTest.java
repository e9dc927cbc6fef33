package dev.latchkey.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenResponse;
import dev.latchkey.server.testing.Browser;
import dev.latchkey.server.testing.OAuth;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard walked in a real browser, the way its two kinds of people use it: the bootstrap
 * admin publishes an API with a public and a restricted scope and invites a developer; the
 * developer makes an app, copies its secret and gets tokens; the admin grants the restricted
 * scope; the developer adds it, rotates the secret with an overlap, expires the old one, revokes
 * every token and reads the activity chart and the audit log. axe-core checks every page it sees.
 */
class DashboardBrowserTest {

    private static final String BOOTSTRAP_PASSWORD = "bootstrap password 0123";
    private static final String ADMIN_PASSWORD = "the admin's own password";
    private static final String DEVELOPER_PASSWORD = "dana's long password";

    @RegisterExtension
    static final TestServer SERVER = new TestServer(config -> config.toBuilder()
            .bootstrapAdminPassword(BOOTSTRAP_PASSWORD).usageFlushInterval(Duration.ofMillis(100)).build());

    @RegisterExtension
    static final Browser BROWSER = new Browser();

    /** Pages and their severe accessibility findings, collected on the way. */
    private final Map<String, List<String>> accessibility = new LinkedHashMap<>();

    private String base() {
        return "http://127.0.0.1:" + SERVER.server().adminPort();
    }

    private void visit(String path) {
        BROWSER.open(base() + path);
        check();
    }

    /** Runs axe-core on the page the browser is on now. */
    private void check() {
        String where = BROWSER.url().replace(base(), "");
        accessibility.put(where, BROWSER.accessibilityViolations());
    }

    private void signIn(String username, String password) {
        visit("/dashboard/signin");
        BROWSER.type("username", username).type("password", password).press("Sign in");
        assertThat(BROWSER.url()).as(BROWSER.textOf(By.tagName("main"))).endsWith("/dashboard/");
        check();
    }

    private void signOut() {
        BROWSER.submit(By.xpath("//button[normalize-space()='Sign out']"));
        assertThat(BROWSER.url()).contains("/dashboard/signin");
    }

    private static TokenResponse token(TestClient client, String scope) throws Exception {
        return OAuth.token(SERVER, client, new ClientCredentialsGrant(), scope == null ? null : Scope.parse(scope));
    }

    private static String accessToken(TestClient client, String scope) throws Exception {
        TokenResponse response = token(client, scope);
        assertThat(response.indicatesSuccess()).as(() -> response.toErrorResponse().getErrorObject().toString())
                .isTrue();
        return response.toSuccessResponse().getTokens().getAccessToken().getValue();
    }

    private static TestClient client(String id, String secret) {
        return new TestClient(id, secret, null, Map.of("token_endpoint_auth_method", "client_secret_basic"));
    }

    @Test
    void anAdminAndADeveloperWalkThroughTheDashboard() throws Exception {
        // The bootstrap admin signs in and is asked to change the password first.
        signIn("admin", BOOTSTRAP_PASSWORD);
        assertThat(BROWSER.find(By.tagName("body")).getText()).contains("Change it now");
        visit("/dashboard/password");
        BROWSER.type("current", BOOTSTRAP_PASSWORD).type("password", ADMIN_PASSWORD).type("confirm", ADMIN_PASSWORD)
                .press("Change password");
        assertThat(BROWSER.url()).contains("/dashboard/?notice=password");
        check();

        // An API with a public and a restricted scope.
        visit("/dashboard/apis");
        BROWSER.type("name", "Orders API").type("identifier", "https://orders.example/")
                .type("description", "Orders of the shop")
                .type("scopes", "orders:read | Read orders\norders:export | Bulk export of all orders | restricted")
                .press("Add the API");
        assertThat(BROWSER.url()).contains("/dashboard/apis/");
        String apiPage = BROWSER.url().replace(base(), "").replaceAll("\\?.*", "");
        check();
        assertThat(BROWSER.find(By.tagName("main")).getText()).contains("orders:read").contains("orders:export");

        // A developer is invited; the link is shown once.
        visit("/dashboard/accounts");
        BROWSER.type("username", "dana");
        new Select(BROWSER.find(By.id("role"))).selectByValue("developer");
        BROWSER.press("Invite");
        String invitation = BROWSER.text("invitation-link");
        assertThat(invitation).startsWith(SERVER.issuer() + "/dashboard/invitation/");
        check();
        signOut();

        // The developer accepts, signs in and creates an app: only the public scope is offered.
        BROWSER.open(invitation);
        check();
        BROWSER.type("password", DEVELOPER_PASSWORD).type("confirm", DEVELOPER_PASSWORD).press("Set password");
        assertThat(BROWSER.url()).contains("/dashboard/signin?notice=welcome");
        check();
        signIn("dana", DEVELOPER_PASSWORD);
        visit("/dashboard/clients/new");
        assertThat(BROWSER.findAll(By.cssSelector("input[name=scope][value='orders:export']"))).isEmpty();
        BROWSER.type("client_name", "Dana's reports").type("description", "Nightly order reports");
        BROWSER.find(By.cssSelector("input[name=scope][value='orders:read']")).click();
        BROWSER.press("Create");
        check();
        String clientId = BROWSER.text("client-id");
        String firstSecretId = BROWSER.text("secret-id");
        TestClient first = client(clientId, BROWSER.text("client-secret"));
        BROWSER.screenshot(Path.of("target", "screenshots", "dashboard-secret.png"));

        int issued = 0;
        String firstJwt = accessToken(first, "orders:read");
        issued++;
        assertThat(token(first, "orders:export").toErrorResponse().getErrorObject().getCode())
                .isEqualTo(OAuth2Error.INVALID_SCOPE.getCode());
        signOut();

        // The admin grants the restricted scope to the developer.
        signIn("admin", ADMIN_PASSWORD);
        visit(apiPage);
        new Select(BROWSER.find(By.id("grant-orders:export"))).selectByVisibleText("dana");
        BROWSER.press(By.xpath("//form[.//select[@id='grant-orders:export']]"), "Grant");
        assertThat(BROWSER.url()).contains("notice=granted");
        assertThat(BROWSER.find(By.tagName("main")).getText()).contains("dana");
        check();
        signOut();

        // The developer adds it on the Access tab; the token endpoint honours it at once.
        signIn("dana", DEVELOPER_PASSWORD);
        String app = "/dashboard/clients/" + clientId;
        visit(app + "/access");
        BROWSER.find(By.cssSelector("input[name=scope][value='orders:export']")).click();
        BROWSER.press("Save scopes");
        assertThat(BROWSER.url()).contains("notice=scopes");
        check();
        accessToken(first, "orders:export");
        issued++;

        // Rotation with a one-hour overlap: both secrets work until the old one is expired.
        visit(app + "/credentials");
        WebElement row = BROWSER.find(By.cssSelector("tr[data-secret-id='" + firstSecretId + "']"));
        new Select(row.findElement(By.name("overlap"))).selectByValue("3600");
        BROWSER.submitWith(row.findElement(By.xpath(".//button[normalize-space()='Rotate']")));
        check();
        TestClient second = client(clientId, BROWSER.text("client-secret"));
        assertThat(second.secret()).isNotEqualTo(first.secret());
        accessToken(first, "orders:read");
        accessToken(second, "orders:read");
        issued += 2;
        visit(app + "/credentials");
        assertThat(BROWSER.find(By.cssSelector("tr[data-secret-id='" + firstSecretId + "']")).getText())
                .as("the old secret shows when it expires").contains(":");
        BROWSER.submitWith(BROWSER.find(By.cssSelector("tr[data-secret-id='" + firstSecretId + "']"))
                .findElement(By.xpath(".//button[normalize-space()='Expire now']")));
        assertThat(BROWSER.url()).contains("notice=expired");
        check();
        assertThat(token(first, "orders:read").toErrorResponse().getErrorObject().getCode())
                .isEqualTo(OAuth2Error.INVALID_CLIENT.getCode());
        String beforeRevocation = accessToken(second, "orders:read");
        issued++;
        assertThat(OAuth.introspect(SERVER, second, firstJwt).isActive()).isTrue();

        // Revoke everything: tokens issued before stop working, even JWTs (by introspection).
        visit(app + "/tokens");
        BROWSER.press("Revoke every token of this client");
        assertThat(BROWSER.url()).contains("notice=tokens");
        check();
        assertThat(OAuth.introspect(SERVER, second, firstJwt).isActive()).isFalse();
        assertThat(OAuth.introspect(SERVER, second, beforeRevocation).isActive()).isFalse();
        SERVER.clock().advance(Duration.ofSeconds(2));
        String after = accessToken(second, "orders:read");
        issued++;
        assertThat(OAuth.introspect(SERVER, second, after).isActive()).as("the client itself goes on").isTrue();

        // The activity chart counts what was issued (usage is written every 100 ms here).
        int expected = issued;
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            BROWSER.open(base() + app + "/activity");
            WebElement total = BROWSER.find(By.cssSelector("#chart-hourly .total"));
            assertThat(Integer.parseInt(total.getAttribute("data-issued"))).isEqualTo(expected);
            assertThat(Integer.parseInt(total.getAttribute("data-errors"))).isGreaterThanOrEqualTo(2);
        });
        check();
        visit(app + "/settings");
        visit(app + "/quickstart");
        assertThat(BROWSER.find(By.tagName("main")).getText()).contains("curl").contains(clientId);
        visit(app + "/danger");
        visit("/dashboard/clients");
        assertThat(BROWSER.find(By.tagName("main")).getText()).contains("Dana's reports");

        // The developer's audit log lists each of their steps on this app.
        visit("/dashboard/audit");
        String developerLog = BROWSER.find(By.tagName("main")).getText();
        for (String action : List.of("client.create", "client.update", "client.secret.rotate", "client.secret.expire",
                "client.tokens.revoke")) {
            assertThat(developerLog).as(action).contains(action);
        }
        signOut();

        // The admin's lists every step of both.
        signIn("admin", ADMIN_PASSWORD);
        visit("/dashboard/audit");
        String adminLog = BROWSER.find(By.tagName("main")).getText();
        for (String action : List.of("account.password.change", "api.create", "account.invite",
                "account.invitation.accept", "scope.grant", "client.create", "client.update", "client.secret.rotate",
                "client.secret.expire", "client.tokens.revoke", "account.sign_in", "account.sign_out")) {
            assertThat(adminLog).as(action).contains(action);
        }
        visit("/dashboard/");
        BROWSER.screenshot(Path.of("target", "screenshots", "dashboard-overview.png"));
        visit("/dashboard/clients/" + clientId + "/activity");
        BROWSER.screenshot(Path.of("target", "screenshots", "dashboard-activity.png"));
        visit("/dashboard/accounts");
        visit("/dashboard/apis");

        // The pages work on a phone: nothing wider than 390 px but the regions that scroll on their own.
        BROWSER.driver().manage().window().setSize(new Dimension(390, 844));
        for (String page : List.of("/dashboard/", "/dashboard/clients", app + "/settings", app + "/access",
                app + "/credentials", app + "/tokens", app + "/activity", app + "/quickstart", "/dashboard/apis",
                apiPage, "/dashboard/audit", "/dashboard/accounts", "/dashboard/password")) {
            BROWSER.open(base() + page);
            Object overflow = BROWSER.driver().executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertThat(((Number) overflow).intValue()).as(page + " at 390 px: horizontal overflow").isLessThanOrEqualTo(0);
            BROWSER.screenshot(Path.of("target", "screenshots", "390px" + page.replace(clientId, "app")
                    .replace('/', '-').replaceAll("[^a-z0-9-]", "") + ".png"));
        }
        BROWSER.driver().manage().window().setSize(new Dimension(1280, 1000));

        // The checker itself finds what it should: a page without a language and an image without text.
        BROWSER.open("data:text/html,<html><body><img src='x.png'></body></html>");
        assertThat(BROWSER.accessibilityViolations()).anyMatch(v -> v.startsWith("image-alt (critical)"));

        List<String> findings = new ArrayList<>();
        accessibility.forEach((page, violations) -> violations.forEach(v -> findings.add(page + ": " + v)));
        assertThat(accessibility).as("pages checked").hasSizeGreaterThan(20);
        assertThat(findings).as("critical or serious accessibility violations").isEmpty();
    }
}
