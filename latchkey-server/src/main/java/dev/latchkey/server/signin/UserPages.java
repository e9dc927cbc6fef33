package dev.latchkey.server.signin;

import dev.latchkey.core.account.Role;
import dev.latchkey.core.authorize.AuthorizationFailure;
import dev.latchkey.core.authorize.AuthorizationRequest;
import dev.latchkey.core.authorize.Authorizations;
import dev.latchkey.core.catalogue.ApiScope;
import dev.latchkey.core.authorize.DeviceFlows;
import dev.latchkey.core.catalogue.Catalogue;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.store.record.DeviceAuthorization;
import dev.latchkey.core.manage.AccountManagement;
import dev.latchkey.core.manage.AccountManagement.SignedIn;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.store.StoreUnavailableException;
import dev.latchkey.server.dashboard.Gate;
import dev.latchkey.server.dashboard.Management;
import dev.latchkey.server.dashboard.Request;
import dev.latchkey.server.dashboard.Route;
import dev.latchkey.server.dashboard.Views;
import dev.latchkey.server.render.Reply;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.eclipse.jetty.util.MultiMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authorization endpoint (RFC 6749 §4.1, OIDC Core §3.1.2) and the end users' login and consent
 * pages. The request is checked by {@link Authorizations}; this class owns the browser: the
 * session cookie, the forms, and every redirect.
 *
 * <p>The request travels between the pages as its own query string in a hidden field, and is
 * checked again in full at every step, so a page can be replayed or edited without gaining
 * anything. Errors about the client or its redirect URI are a page (400); any other goes back to
 * the redirect URI with {@code state} and {@code iss} (RFC 9207 §2). Every redirect is 303 (RFC 9700
 * §4.12: a 307 would repost the user's password to the client).
 *
 * <p>The users' session cookie is the dashboard's (HttpOnly, {@code __Host-} and Secure over https)
 * but {@code SameSite=Lax}: the browser arrives here on a top-level navigation from the client's
 * site, which a Strict cookie would not accompany. Only accounts with the role {@code user} sign in
 * here; CSRF tokens protect the login form (a token bound to a cookie of its own, as the dashboard's
 * sign-in) and the consent form (bound to the session).
 */
public final class UserPages {

    public static final String AUTHORIZE = "/oauth2/authorize";
    public static final String LOGIN = "/login";
    public static final String CONSENT = "/oauth2/consent";
    /** RFC 8628 §3.3: the verification URI, where a person enters a device's user code. */
    public static final String DEVICE = "/device";
    static final String COOKIE = "latchkey_user";
    static final String HOST_COOKIE = "__Host-latchkey_user";
    static final String LOGIN_FORM_COOKIE = "latchkey_login";
    private static final Logger LOG = LoggerFactory.getLogger(UserPages.class);

    private final Supplier<Management> management;
    private final Supplier<UserServices> users;
    private final Supplier<Authorizations> authorizations;
    private final String issuer;
    final Messages t = Messages.english();

    public UserPages(Supplier<Management> management, Supplier<UserServices> users, String issuer) {
        this.management = management;
        this.users = users;
        this.authorizations = () -> users.get().authorizations();
        this.issuer = issuer;
    }

    public List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        routes.add(new Route("GET", AUTHORIZE, request -> safely(() -> authorize(request, request.query()))));
        // OIDC Core §3.1.2.1: the authorization endpoint takes POST as well, form-encoded.
        routes.add(new Route("POST", AUTHORIZE, request -> safely(() -> authorize(request,
                new String(request.body(), StandardCharsets.UTF_8)))));
        routes.add(new Route("GET", LOGIN, request -> safely(() -> loginForm(request))));
        routes.add(new Route("POST", LOGIN, request -> safely(() -> login(request))));
        routes.add(new Route("POST", CONSENT, request -> safely(() -> consent(request))));
        routes.add(new Route("GET", DEVICE, request -> safely(() -> deviceForm(request))));
        routes.add(new Route("POST", DEVICE, request -> safely(() -> deviceEntered(request))));
        routes.add(new Route("POST", DEVICE + "/consent", request -> safely(() -> deviceDecided(request))));
        routes.addAll(new AccountPages(this, users, issuer).routes());
        return routes;
    }

    // ---- the authorization endpoint

    private Reply authorize(Request request, String query) {
        AuthorizationRequest authorization = parse(query);
        Optional<SignedIn> session = session(request);
        Instant now = m().clock().instant();
        boolean mustSignIn = session.isEmpty() || authorization.prompt().contains(AuthorizationRequest.Prompt.LOGIN)
                // OIDC Core §3.1.2.1: max_age=0 asks for a fresh sign-in, as prompt=login does.
                || authorization.maxAge().filter(maxAge -> maxAge == 0
                        || Duration.between(session.get().session().createdAt(), now).toSeconds() > maxAge).isPresent();
        boolean silent = authorization.prompt().contains(AuthorizationRequest.Prompt.NONE);
        if (mustSignIn) {
            if (silent) {
                // OIDC Core §3.1.2.6: no page may be shown.
                return error(authorization.redirectUri(), dev.latchkey.core.error.OAuthError.LOGIN_REQUIRED
                        .withDescription("no user is signed in"), authorization.state());
            }
            // After the sign-in the request comes back without prompt=login and max_age: both are met.
            String next = without(query, Set.of("prompt", "max_age"));
            return Views.redirect(LOGIN + "?authorize=" + encode(next));
        }
        SignedIn user = session.get();
        if (authorizations.get().needsConsent(user.account(), authorization)) {
            if (silent) {
                return error(authorization.redirectUri(), dev.latchkey.core.error.OAuthError.CONSENT_REQUIRED
                        .withDescription("the user has not allowed this client this scope"), authorization.state());
            }
            return consentPage(user, authorization, without(query, Set.of("prompt")), null);
        }
        return issue(user, authorization);
    }

    private AuthorizationRequest parse(String query) {
        MultiMap<String> values;
        try {
            values = Request.decode(query);
        } catch (dev.latchkey.core.manage.ManagementException malformed) {
            throw AuthorizationFailure.page("The request is not valid URL encoding.");
        }
        Map<String, String> first = new HashMap<>();
        Set<String> repeated = new HashSet<>();
        values.forEach((name, list) -> {
            first.put(name, list.isEmpty() ? "" : list.get(0));
            if (list.size() > 1) {
                repeated.add(name);
            }
        });
        // RFC 6749 §3.1: a parameter sent without a value is treated as omitted.
        first.values().removeIf(String::isEmpty);
        return authorizations.get().parse(first, repeated);
    }

    /** The code, back to the client (RFC 6749 §4.1.2): {@code code}, {@code state}, {@code iss}. */
    private Reply issue(SignedIn user, AuthorizationRequest authorization) {
        String code = authorizations.get().issueCode(user.account(), user.session().createdAt(), authorization);
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("code", code);
        if (authorization.state() != null) {
            parameters.put("state", authorization.state());
        }
        parameters.put("iss", issuer);
        return Views.redirect(withQuery(authorization.redirectUri(), parameters));
    }

    private Reply error(String redirectUri, dev.latchkey.core.error.OAuthError error, String state) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("error", error.code());
        if (error.description() != null) {
            parameters.put("error_description", error.description());
        }
        if (state != null) {
            parameters.put("state", state);
        }
        parameters.put("iss", issuer); // RFC 9207 §2: on error responses too
        return Views.redirect(withQuery(redirectUri, parameters));
    }

    // ---- login

    private Reply loginForm(Request request) {
        String authorize = request.query("authorize");
        String next = localPath(request.query("next"));
        AuthorizationRequest authorization = authorize == null ? null : parse(authorize);
        String formCookie = Secrets.random256();
        String hint = authorization == null || authorization.loginHint() == null ? "" : authorization.loginHint();
        Reply page = loginPage(200, authorization, authorize, next, AccountManagement.csrfToken(formCookie), hint, null);
        page.headers().put("Set-Cookie", LOGIN_FORM_COOKIE + "=" + formCookie + "; Path=/; HttpOnly; SameSite=Strict"
                + (secure() ? "; Secure" : ""));
        return page;
    }

    private Reply login(Request request) {
        Map<String, String> form = request.form();
        String authorize = form.get("authorize");
        AuthorizationRequest authorization = authorize == null || authorize.isEmpty() ? null : parse(authorize);
        String formCookie = Gate.cookie(request.header("Cookie"), LOGIN_FORM_COOKIE);
        if (formCookie == null || !AccountManagement.csrfMatches(formCookie, form.get("csrf"))) {
            return message(403, t.get("error.title"), t.get("login.expired"));
        }
        String username = form.getOrDefault("username", "");
        try {
            SignedIn signedIn = m().accounts().signIn(username, form.getOrDefault("password", "").toCharArray(),
                    request.source(), role -> role == Role.USER);
            // A new session id at every sign-in (no fixation); the form's cookie is spent.
            String next = authorization != null ? AUTHORIZE + "?" + authorize
                    : Optional.ofNullable(localPath(form.get("next"))).orElse(AccountPages.ACCOUNT);
            Map<String, String> headers = Views.securityHeaders();
            headers.put("Location", next);
            headers.put("Set-Cookie", sessionCookie(signedIn.cookie()));
            return new Reply(303, headers, new byte[0]);
        } catch (AccountManagement.SignInRefused refused) {
            boolean throttled = !refused.retryAfter().isZero();
            Reply page = loginPage(throttled ? 429 : 401, authorization, authorize == null ? "" : authorize,
                    localPath(form.get("next")), AccountManagement.csrfToken(formCookie), username,
                    t.get(throttled ? "login.throttled" : "login.failed"));
            if (throttled) {
                page.headers().put("Retry-After", Long.toString(Math.max(1, refused.retryAfter().toSeconds())));
            }
            return page;
        }
    }

    private Reply loginPage(int status, AuthorizationRequest authorization, String authorize, String next,
            String csrf, String username, String error) {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("page", new UserPage(t.get("login.title"), csrf, error, t));
        parameters.put("clientName", authorization == null ? null : name(authorization));
        parameters.put("authorize", authorize == null ? "" : authorize);
        parameters.put("next", next == null ? "" : next);
        parameters.put("signup", !authorizations.get().policy().allowSignup() ? null
                : AccountPages.SIGNUP + (authorize == null || authorize.isEmpty() ? "" : "?authorize=" + encode(authorize)));
        parameters.put("username", username);
        return withFormTarget(Views.page(status, "login", parameters), authorization);
    }

    // ---- consent

    private Reply consentPage(SignedIn user, AuthorizationRequest authorization, String authorize, String error) {
        List<String[]> scopes = describe(authorization.scope());
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("page", new UserPage(t.get("consent.title"), AccountManagement.csrfToken(user.cookie()), error,
                t));
        parameters.put("clientName", name(authorization));
        parameters.put("username", user.account().username());
        parameters.put("scopes", scopes);
        parameters.put("authorize", authorize);
        return withFormTarget(Views.page(200, "consent", parameters), authorization);
    }

    /** Each scope with its description: the OpenID ones from the texts, the others from the API catalogue. */
    private List<String[]> describe(dev.latchkey.core.scope.Scope scope) {
        Catalogue catalogue = m().catalogue().snapshot();
        List<String[]> scopes = new ArrayList<>();
        for (String value : scope.values().stream().sorted().toList()) {
            String description = t.has("scope." + value) ? t.get("scope." + value)
                    : catalogue.scope(value).map(ApiScope::description).orElse(null);
            scopes.add(new String[] {value, description});
        }
        return scopes;
    }

    private Reply consent(Request request) {
        Map<String, String> form = request.form();
        Optional<SignedIn> session = session(request);
        if (session.isEmpty() || !AccountManagement.csrfMatches(session.get().cookie(), form.get("csrf"))) {
            return message(403, t.get("error.title"), t.get("consent.expired"));
        }
        AuthorizationRequest authorization = parse(form.getOrDefault("authorize", ""));
        if ("allow".equals(form.get("consent"))) {
            authorizations.get().consent(session.get().account(), authorization);
            return issue(session.get(), authorization);
        }
        // RFC 6749 §4.1.2.1: the resource owner denied the request.
        authorizations.get().spend(authorization);
        return error(authorization.redirectUri(), dev.latchkey.core.error.OAuthError.ACCESS_DENIED
                .withDescription("the user denied the request"), authorization.state());
    }

    // ---- the device flow's verification page (RFC 8628 §3.3)

    private Reply deviceForm(Request request) {
        String code = request.query("user_code");
        Optional<SignedIn> session = session(request);
        if (session.isEmpty()) {
            String here = DEVICE + (code == null ? "" : "?user_code=" + encode(code));
            return Views.redirect(LOGIN + "?next=" + encode(here));
        }
        return devicePage(200, session.get(), code == null ? "" : code, null);
    }

    private Reply devicePage(int status, SignedIn user, String code, String error) {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("page", new UserPage(t.get("device.title"), AccountManagement.csrfToken(user.cookie()), error, t));
        parameters.put("userCode", code);
        return Views.page(status, "device", parameters);
    }

    private Reply deviceEntered(Request request) {
        Map<String, String> form = request.form();
        Optional<SignedIn> session = session(request);
        if (session.isEmpty() || !AccountManagement.csrfMatches(session.get().cookie(), form.get("csrf"))) {
            return message(403, t.get("error.title"), t.get("consent.expired"));
        }
        String input = form.getOrDefault("user_code", "");
        Optional<DeviceAuthorization> device;
        try {
            device = users.get().devices().enter(input, session.get().account(), request.source());
        } catch (DeviceFlows.Locked locked) {
            Reply page = devicePage(429, session.get(), "", t.get("device.locked"));
            page.headers().put("Retry-After", "900");
            return page;
        }
        if (device.isEmpty()) {
            return devicePage(400, session.get(), input, t.get("device.unknown"));
        }
        Optional<RegisteredClient> client = users.get().clients().find(device.get().clientId());
        if (client.isEmpty() || client.get().disabled()) {
            return devicePage(400, session.get(), input, t.get("device.unknown"));
        }
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("page", new UserPage(t.get("consent.title"), AccountManagement.csrfToken(session.get().cookie()),
                null, t));
        String name = client.get().metadata().clientName();
        parameters.put("clientName", name == null ? client.get().clientId() : name);
        parameters.put("username", session.get().account().username());
        parameters.put("scopes", describe(device.get().scope()));
        parameters.put("userCode", device.get().userCode());
        return Views.page(200, "device_consent", parameters);
    }

    private Reply deviceDecided(Request request) {
        Map<String, String> form = request.form();
        Optional<SignedIn> session = session(request);
        if (session.isEmpty() || !AccountManagement.csrfMatches(session.get().cookie(), form.get("csrf"))) {
            return message(403, t.get("error.title"), t.get("consent.expired"));
        }
        boolean approve = "allow".equals(form.get("consent"));
        String code = DeviceFlows.normalize(form.get("user_code"));
        if (code == null || !users.get().devices().decide(code, session.get().account(),
                session.get().session().createdAt(), approve)) {
            return message(400, t.get("error.title"), t.get("device.unknown"));
        }
        return message(200, t.get(approve ? "device.approved.title" : "device.denied.title"),
                t.get(approve ? "device.approved" : "device.denied"));
    }

    // ---- the browser

    Optional<SignedIn> session(Request request) {
        return m().accounts().session(Gate.cookie(request.header("Cookie"), cookieName()))
                .filter(signedIn -> signedIn.account().role() == Role.USER);
    }

    String cookieName() {
        return secure() ? HOST_COOKIE : COOKIE;
    }

    String sessionCookie(String value) {
        return cookieName() + "=" + value + "; Path=/; HttpOnly; SameSite=Lax" + (secure() ? "; Secure" : "");
    }

    boolean secure() {
        return issuer.startsWith("https://");
    }

    /**
     * The page's CSP lets its form lead to the client's redirect URI: browsers apply
     * {@code form-action} to the redirects that follow a form's submission too.
     */
    private static Reply withFormTarget(Reply page, AuthorizationRequest authorization) {
        if (authorization == null) {
            return page;
        }
        URI target = URI.create(authorization.redirectUri());
        String source = target.getRawAuthority() == null ? target.getScheme() + ":"
                : target.getScheme() + "://" + target.getRawAuthority();
        page.headers().put("Content-Security-Policy",
                Views.CONTENT_SECURITY_POLICY.replace("form-action 'self'", "form-action 'self' " + source));
        return page;
    }

    private static String name(AuthorizationRequest authorization) {
        String name = authorization.client().metadata().clientName();
        return name == null ? authorization.client().clientId() : name;
    }

    Reply message(int status, String title, String text) {
        return Views.page(status, "user_message", Map.of("page", new UserPage(title, null, null, t), "message", text));
    }

    Reply safely(Supplier<Reply> page) {
        try {
            return page.get();
        } catch (AuthorizationFailure failure) {
            if (failure.isPage()) {
                return message(400, t.get("error.title"), failure.error().description());
            }
            return error(failure.redirectUri(), failure.error(), failure.state());
        } catch (StoreUnavailableException | dev.latchkey.core.account.PasswordHasher.Busy e) {
            return message(503, t.get("error.title"), t.get("error.busy"));
        } catch (RuntimeException e) {
            LOG.error("End-user page failed", e);
            return message(500, t.get("error.title"), "Something went wrong on the server; it is logged.");
        }
    }

    Management m() {
        return management.get();
    }

    /** {@code query} without the parameters named. */
    private static String without(String query, Set<String> names) {
        MultiMap<String> values = Request.decode(query);
        names.forEach(values::remove);
        return values.entrySet().stream()
                .flatMap(entry -> entry.getValue().stream().map(value -> encode(entry.getKey()) + "=" + encode(value)))
                .collect(Collectors.joining("&"));
    }

    /** A path on this server to return to after sign-in, or null: never another origin (no open redirect). */
    static String localPath(String path) {
        if (path == null || !path.startsWith("/") || path.startsWith("//") || path.contains("\\")
                || path.contains("://") || path.length() > 300) {
            return null;
        }
        return path;
    }

    static String withQuery(String uri, Map<String, String> parameters) {
        StringBuilder location = new StringBuilder(uri);
        char separator = uri.contains("?") ? '&' : '?';
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            location.append(separator).append(encode(parameter.getKey())).append('=').append(encode(parameter.getValue()));
            separator = '&';
        }
        return location.toString();
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
