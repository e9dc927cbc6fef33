package dev.latchkey.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real browser for page tests: Debian's headless {@code chromium} driven by its
 * {@code chromium-driver}, with a fresh profile. Without them a test is skipped, except under CI
 * ({@code CI=true}), where {@code .ci/run} installs them and their absence fails the test.
 * Use as a static {@code @RegisterExtension}: when a test fails, the page it was on is saved as a PNG
 * under {@code target/screenshots/}.
 */
public final class Browser implements AfterEachCallback, AfterAllCallback, AutoCloseable {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final String AXE = "META-INF/resources/webjars/axe-core/4.6.3/axe.min.js";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(Browser.class);

    private ChromeDriver driver;
    private Path profile;

    /** The driver, started at first use. */
    public ChromeDriver driver() {
        if (driver == null) {
            start();
        }
        return driver;
    }

    private void start() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (!"true".equals(System.getenv("CI"))) {
            Assumptions.assumeTrue(present, "chromium and chromium-driver are not installed (apt-get install"
                    + " chromium chromium-driver)");
        }
        assertThat(present).as("CI installs chromium and chromium-driver").isTrue();
        try {
            profile = Files.createTempDirectory("latchkey-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--no-default-browser-check", "--window-size=1280,1000",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(30));
    }

    /** Opens a URL and returns the browser. */
    public Browser open(String url) {
        driver().get(url);
        return this;
    }

    public WebElement find(By by) {
        return retrying(() -> driver().findElement(by));
    }

    public List<WebElement> findAll(By by) {
        return driver().findElements(by);
    }

    /** Types into the field with this id, replacing what it held. */
    public Browser type(String id, String text) {
        WebElement field = find(By.id(id));
        field.clear();
        field.sendKeys(text);
        return this;
    }

    /** Clicks the submit button with this label inside the element found by {@code scope}. */
    public Browser press(By scope, String label) {
        return submit(new org.openqa.selenium.support.pagefactory.ByChained(scope, By.xpath(".//button[normalize-space()='" + label + "']")));
    }

    /** Clicks a button that submits its form, and waits until the page it leads to has loaded. */
    public Browser submitWith(WebElement button) {
        WebElement page = find(By.tagName("html"));
        button.click();
        return waitForPageAfter(page);
    }

    /**
     * Finds the button {@code by} names and submits its form, finding it again if the page was
     * replaced between the find and the click.
     */
    public Browser submit(By by) {
        WebElement page = find(By.tagName("html"));
        retrying(() -> {
            driver().findElement(by).click();
            return Boolean.TRUE;
        });
        return waitForPageAfter(page);
    }

    /**
     * Waits until {@code page} is gone and its successor has loaded. Chromium reports a replaced
     * document's node either as stale or as "does not belong to the document"; both mean gone.
     */
    private Browser waitForPageAfter(WebElement page) {
        new WebDriverWait(driver(), Duration.ofSeconds(30)).until(d -> {
            try {
                page.isEnabled();
                return false;
            } catch (org.openqa.selenium.StaleElementReferenceException gone) {
                return true;
            } catch (org.openqa.selenium.WebDriverException e) {
                if (e.getMessage() != null && e.getMessage().contains("does not belong to the document")) {
                    return true;
                }
                throw e;
            }
        });
        new WebDriverWait(driver(), Duration.ofSeconds(30)).until(d -> retrying(() ->
                "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState"))));
        return this;
    }

    /** Clicks the one submit button on the page with this label. */
    public Browser press(String label) {
        return press(By.tagName("main"), label);
    }

    /** The text of the element found by {@code by}, read again if the page was replaced meanwhile. */
    public String textOf(By by) {
        return retrying(() -> driver().findElement(by).getText());
    }

    /**
     * Runs a lookup again if the page was replaced while it ran: Chromium answers "Node with given
     * id does not belong to the document" when a navigation lands between a find and its use. Polls
     * every 50 ms for up to 5 s; any other failure (a missing element included) is thrown at once.
     */
    private <T> T retrying(java.util.function.Supplier<T> lookup) {
        return new org.openqa.selenium.support.ui.FluentWait<>(driver())
                .withTimeout(Duration.ofSeconds(5)).pollingEvery(Duration.ofMillis(50))
                .until(d -> {
                    try {
                        return lookup.get();
                    } catch (org.openqa.selenium.NoSuchElementException absent) {
                        throw absent;
                    } catch (org.openqa.selenium.WebDriverException replaced) {
                        if (replaced.getMessage() != null
                                && replaced.getMessage().contains("does not belong to the document")) {
                            return null; // the page is being replaced: look again
                        }
                        throw replaced;
                    }
                });
    }

    public String text(String id) {
        return find(By.id(id)).getText();
    }

    public String url() {
        return driver().getCurrentUrl();
    }

    public String title() {
        return driver().getTitle();
    }

    public void deleteCookies() {
        driver().manage().deleteAllCookies();
    }

    /**
     * Runs axe-core on the page that is open and returns its critical and serious violations, each
     * as "rule: help (selectors)". The engine is injected by WebDriver, which a page's CSP does not
     * govern, so the pages need no exception for it.
     */
    public List<String> accessibilityViolations() {
        JavascriptExecutor js = driver();
        js.executeScript(axeSource());
        Object result = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']})"
                + ".then(r => done(JSON.stringify(r.violations)), e => done(JSON.stringify([{id: 'axe-error',"
                + " impact: 'critical', help: String(e), nodes: []}])));");
        List<Map<String, Object>> violations;
        try {
            violations = JSON.readValue((String) result, new TypeReference<>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> severe = new ArrayList<>();
        for (Map<String, Object> violation : violations) {
            Object impact = violation.get("impact");
            if ("critical".equals(impact) || "serious".equals(impact)) {
                List<String> targets = new ArrayList<>();
                for (Object node : (List<?>) violation.get("nodes")) {
                    targets.add(String.valueOf(((Map<?, ?>) node).get("target")));
                }
                severe.add(violation.get("id") + " (" + impact + "): " + violation.get("help") + " " + targets);
            }
        }
        return severe;
    }

    private static String axeSource() {
        try (InputStream in = Browser.class.getClassLoader().getResourceAsStream(AXE)) {
            assertThat(in).as(AXE + " on the test class path (org.webjars.npm:axe-core)").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Saves what the browser shows as a PNG. */
    /**
     * Saves the page at 1280 and at 390 px wide as target/screenshots/NAME-WIDTH.png, for a person to
     * look at, checks that nothing is wider than a 390 px phone screen, and goes back to 1280 px.
     */
    public void screenshotsAtBothWidths(String name) {
        for (int width : new int[] {1280, 390}) {
            driver().manage().window().setSize(new org.openqa.selenium.Dimension(width, 900));
            screenshot(Path.of("target", "screenshots", name + "-" + width + ".png"));
            Object overflow = driver().executeScript("return document.documentElement.scrollWidth > window.innerWidth");
            assertThat(overflow).as(name + " at " + width + " px fits the width").isEqualTo(Boolean.FALSE);
        }
        driver().manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
    }

    public Path screenshot(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, ((TakesScreenshot) driver()).getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (driver != null && context.getExecutionException().isPresent()) {
            Path file = screenshot(Path.of("target", "screenshots",
                    context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName()
                            + ".png"));
            // Only where the page is: its text may hold a secret shown once.
            LOG.warn("{} failed on {}; the page is in {}", context.getDisplayName(), driver.getCurrentUrl(), file);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        if (driver != null) {
            driver.quit();
            driver = null;
        }
        if (profile != null) {
            TestServer.deleteRecursively(profile);
            profile = null;
        }
    }
}
