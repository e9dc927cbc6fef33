package dev.latchkey.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.Browser;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 14: htmx where it saves a full reload. The client list follows its search box as it is typed:
 * the results are replaced in place (the page is not reloaded: a value set on the page survives), the
 * address follows, nothing breaks the Content-Security-Policy, and the page stays accessible.
 */
class ClientSearchBrowserTest {

    private static final String PASSWORD = "bootstrap password 0123";

    @RegisterExtension
    static final TestServer SERVER = new TestServer(config -> config.toBuilder().bootstrapAdminPassword(PASSWORD).build());

    @RegisterExtension
    static final Browser BROWSER = new Browser();

    private static String base() {
        return "http://127.0.0.1:" + SERVER.server().adminPort();
    }

    private static List<WebElement> rows() {
        return BROWSER.findAll(By.cssSelector("#results table.clients tbody tr"));
    }

    @Test
    void theListFollowsTheSearchAsItIsTypedWithoutAReload() {
        SERVER.register(Map.of("client_name", "alpha reports"));
        SERVER.register(Map.of("client_name", "beta ledger"));
        BROWSER.open(base() + "/dashboard/signin");
        BROWSER.type("username", "admin").type("password", PASSWORD).press("Sign in");
        BROWSER.open(base() + "/dashboard/clients");
        assertThat(rows()).hasSizeGreaterThanOrEqualTo(2);
        var driver = BROWSER.driver();
        driver.executeScript("window.latchkeyMarker = 'kept'; window.violations = [];"
                + " document.addEventListener('securitypolicyviolation', e => window.violations.push(e.violatedDirective));");

        BROWSER.find(By.id("search")).sendKeys("alpha");

        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> rows().size() == 1);
        assertThat(rows().get(0).getText()).contains("alpha reports");
        assertThat(driver.executeScript("return window.latchkeyMarker")).as("the page was not reloaded").isEqualTo("kept");
        assertThat(BROWSER.url()).as("the address follows the search").contains("search=alpha");
        assertThat(driver.executeScript("return window.violations")).as("no CSP violation").isEqualTo(List.of());
        assertThat(BROWSER.accessibilityViolations()).isEmpty();
        BROWSER.screenshotsAtBothWidths("dashboard-clients-search");

        BROWSER.find(By.id("search")).sendKeys(" and nothing else");
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> rows().isEmpty());
        assertThat(BROWSER.textOf(By.id("results"))).contains("No client applications match");
        assertThat(driver.executeScript("return window.latchkeyMarker")).isEqualTo("kept");
    }

    @Test
    void theSettingsTabOffersPrivateKeyJwtAndShowsItSelected() throws Exception {
        var key = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).keyID("k").generate();
        String clientId = SERVER.register(Map.of("client_name", "signed with its key", "token_endpoint_auth_method",
                "private_key_jwt", "jwks", Map.of("keys", List.of(key.toPublicJWK().toJSONObject())))).id();
        BROWSER.open(base() + "/dashboard/signin");
        if (BROWSER.url().contains("/signin")) {
            BROWSER.type("username", "admin").type("password", PASSWORD).press("Sign in");
        }
        BROWSER.open(base() + "/dashboard/clients/" + clientId + "/settings");
        assertThat(BROWSER.find(By.cssSelector("option[value='private_key_jwt']")).isSelected()).isTrue();
        assertThat(BROWSER.accessibilityViolations()).isEmpty();
        BROWSER.screenshotsAtBothWidths("dashboard-settings-private-key-jwt");
    }

    @Test
    void htmxIsServedByTheDashboardItselfUnderItsPolicy() {
        HttpResponse<String> script = Http.get(URI.create(base() + "/dashboard/assets/htmx.min.js"));
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(script.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(policy ->
                assertThat(policy).contains("script-src 'self'").doesNotContain("unsafe"));
        assertThat(script.body()).contains("htmx");
    }
}
