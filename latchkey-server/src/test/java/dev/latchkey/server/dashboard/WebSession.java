package dev.latchkey.server.dashboard;

import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser without the browser, for the dashboard's HTTP-level tests: keeps cookies, follows no
 * redirect (tests look at them), and fills in the CSRF token of the form it last fetched.
 */
public final class WebSession {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final TestServer server;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient client;
    private final boolean tokenPort;
    private String csrf;

    public WebSession(TestServer server) {
        this(server, false);
    }

    /** A session with the end users' pages, which the token port serves. */
    public static WebSession users(TestServer server) {
        return new WebSession(server, true);
    }

    private WebSession(TestServer server, boolean tokenPort) {
        this.tokenPort = tokenPort;
        this.server = server;
        this.client = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public HttpResponse<String> get(String path) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).GET().build());
        String found = csrfIn(response.body());
        if (found != null) {
            csrf = found;
        }
        return response;
    }

    /** The CSRF token of the first form in a page, or null. */
    public static String csrfIn(String page) {
        Matcher matcher = CSRF.matcher(page);
        return matcher.find() ? matcher.group(1) : null;
    }

    /** Posts a form with the CSRF token of the last page fetched (unless the form names its own). */
    public HttpResponse<String> post(String path, Map<String, String> form) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (csrf != null) {
            fields.put("csrf", csrf);
        }
        fields.putAll(form);
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Http.encode(fields))).build());
    }

    /** Posts a form exactly as given: no token added. */
    public HttpResponse<String> postRaw(String path, Map<String, String> form) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Http.encode(form))).build());
    }

    /** Signs in through the sign-in form; then fetches the overview, so the session's token is at hand. */
    public HttpResponse<String> signIn(String username, String password) {
        get("/dashboard/signin");
        HttpResponse<String> response = post("/dashboard/signin", Map.of("username", username, "password", password));
        if (response.statusCode() == 303) {
            get("/dashboard/");
        }
        return response;
    }

    public Optional<String> cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
                .map(HttpCookie::getValue).findFirst();
    }

    public void setCookie(String name, String value) {
        HttpCookie cookie = new HttpCookie(name, value);
        cookie.setPath("/");
        cookie.setVersion(0);
        cookies.getCookieStore().add(URI.create("http://127.0.0.1"), cookie);
    }

    public String csrf() {
        return csrf;
    }

    private URI uri(String path) {
        if (path.startsWith("http")) {
            return URI.create(path);
        }
        return URI.create("http://127.0.0.1:" + (tokenPort ? server.server().port() : server.server().adminPort()) + path);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
