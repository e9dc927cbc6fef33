package dev.latchkey.server.dashboard;

import dev.latchkey.core.account.Account;
import dev.latchkey.core.account.Role;
import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.audit.AuditQuery;
import dev.latchkey.core.catalogue.Api;
import dev.latchkey.core.catalogue.ApiScope;
import dev.latchkey.core.catalogue.Catalogue;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.client.StoredSecret;
import dev.latchkey.core.manage.AccountManagement;
import dev.latchkey.core.manage.AccountManagement.SignedIn;
import dev.latchkey.core.manage.CatalogueManagement;
import dev.latchkey.core.manage.ClientManagement;
import dev.latchkey.core.manage.ManagementException;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.store.Page;
import dev.latchkey.core.store.StoreUnavailableException;
import dev.latchkey.server.render.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The dashboard's pages under {@value #BASE}: server-rendered HTML, one form per action, every
 * action through the same management services as the admin API, RFC 7591/7592 and the command
 * line. No logic in the templates: they show the values given here.
 *
 * <p>Every page but sign-in and an invitation needs a session; every POST needs the session's CSRF
 * token (sign-in and invitations, before a session exists, a token bound to a cookie of their own),
 * else 403. A POST answers 303 to the page that shows its result (a new secret or invitation link,
 * shown once, is the page itself). A developer who reaches another developer's app gets 404.
 */
public final class Pages {

    public static final String BASE = "/dashboard";
    public static final String INVITATION = BASE + "/invitation/";
    static final String PRE_SESSION_COOKIE = "latchkey_form";
    private static final int PAGE = 50;
    private static final List<String> ASSETS = List.of("latchkey.css", "favicon.svg", "htmx.min.js");
    /** htmx from its WebJar (the version of the POM's dependency). */
    static final String HTMX = "/META-INF/resources/webjars/htmx.org/2.0.8/dist/htmx.min.js";
    private static final Map<String, String> NOTICES = Map.ofEntries(
            Map.entry("saved", "Saved."),
            Map.entry("scopes", "Scopes saved."),
            Map.entry("expired", "The secret expires as set."),
            Map.entry("revoked", "The secret is revoked."),
            Map.entry("family", "The refresh token family is revoked."),
            Map.entry("tokens", "Every token of this client is revoked."),
            Map.entry("disabled", "The client is disabled: its secrets no longer authenticate."),
            Map.entry("enabled", "The client is enabled."),
            Map.entry("deleted", "The client is deleted."),
            Map.entry("api", "The API is saved."),
            Map.entry("api-deleted", "The API is deleted."),
            Map.entry("granted", "The scope is granted."),
            Map.entry("ungranted", "The grant is removed."),
            Map.entry("account", "The account is saved."),
            Map.entry("password", "Your password is changed."),
            Map.entry("welcome", "Your password is set. Sign in with it."));

    /** The notice a redirect after a change asked for, if it is one of ours. */
    private static String notice(Request request) {
        String code = request.query("notice");
        return code == null ? null : NOTICES.get(code);
    }

    /** A page's work once its session is known. */
    @FunctionalInterface
    private interface Handler {
        Reply handle(Session session, Request request);
    }

    /** The signed-in browser and what its pages need of it. */
    private record Session(SignedIn signedIn, Actor actor, String csrf) {
        Account account() {
            return signedIn.account();
        }

        PageContext context(String title, String section, Request request) {
            return new PageContext(title, section, signedIn.account(), csrf, notice(request), null);
        }
    }

    private final Supplier<Management> management;

    public Pages(Supplier<Management> management) {
        this.management = management;
    }

    public List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        routes.add(new Route("GET", BASE, request -> Views.redirect(BASE + "/")));
        routes.add(new Route("GET", BASE + "/assets/{file}", this::asset));
        routes.add(new Route("GET", BASE + "/signin", this::signInForm));
        routes.add(new Route("POST", BASE + "/signin", this::signIn));
        routes.add(new Route("GET", INVITATION + "{token}", this::invitationForm));
        routes.add(new Route("POST", INVITATION + "{token}", this::acceptInvitation));
        get(routes, "/", this::overview);
        post(routes, "/signout", (s, r) -> {
            m().accounts().signOut(s.signedIn(), r.source());
            return Views.redirect(BASE + "/signin", new Gate(m()).clearedCookie());
        });
        get(routes, "/password", (s, r) -> Views.page(200, "password", Map.of("page", s.context("Change password",
                "password", r))));
        post(routes, "/password", this::changePassword);
        get(routes, "/clients", this::clients);
        post(routes, "/clients", this::createClient);
        get(routes, "/clients/new", (s, r) -> newClientForm(s, r, null, 200));
        get(routes, "/clients/{client_id}", (s, r) -> Views.redirect(clientUrl(r.parameter(0), "settings")));
        for (String tab : List.of("settings", "access", "credentials", "tokens", "activity", "quickstart", "danger")) {
            get(routes, "/clients/{client_id}/" + tab, (s, r) -> client(s, r, tab, null, 200));
        }
        post(routes, "/clients/{client_id}/settings", this::saveSettings);
        post(routes, "/clients/{client_id}/access", this::saveAccess);
        post(routes, "/clients/{client_id}/secrets", this::addSecret);
        post(routes, "/clients/{client_id}/secrets/{secret_id}/{action}", this::secretAction);
        post(routes, "/clients/{client_id}/families/{family_id}/revoke", (s, r) -> {
            m().clients().revokeFamily(s.actor(), r.parameter(0), r.parameter(1));
            return Views.redirect(clientUrl(r.parameter(0), "tokens") + "?notice=family");
        });
        post(routes, "/clients/{client_id}/revoke-tokens", (s, r) -> {
            m().clients().revokeTokens(s.actor(), r.parameter(0));
            return Views.redirect(clientUrl(r.parameter(0), "tokens") + "?notice=tokens");
        });
        post(routes, "/clients/{client_id}/disable", (s, r) -> {
            m().clients().setDisabled(s.actor(), r.parameter(0), true);
            return Views.redirect(clientUrl(r.parameter(0), "danger") + "?notice=disabled");
        });
        post(routes, "/clients/{client_id}/enable", (s, r) -> {
            m().clients().setDisabled(s.actor(), r.parameter(0), false);
            return Views.redirect(clientUrl(r.parameter(0), "danger") + "?notice=enabled");
        });
        post(routes, "/clients/{client_id}/delete", (s, r) -> {
            if (!"on".equals(r.form().get("confirm"))) {
                return client(s, r, "danger", "Tick the box to confirm the deletion.", 400);
            }
            m().clients().delete(s.actor(), r.parameter(0));
            return Views.redirect(BASE + "/clients?notice=deleted");
        });
        get(routes, "/apis", (s, r) -> apis(s, r, null, 200));
        post(routes, "/apis", this::createApi);
        get(routes, "/apis/{api_id}", (s, r) -> api(s, r, null, 200));
        post(routes, "/apis/{api_id}", this::updateApi);
        post(routes, "/apis/{api_id}/delete", (s, r) -> {
            m().catalogue().delete(s.actor(), r.parameter(0));
            return Views.redirect(BASE + "/apis?notice=api-deleted");
        });
        post(routes, "/grants", (s, r) -> {
            Map<String, String> form = r.form();
            m().catalogue().grant(s.actor(), form.get("scope"), form.get("account_id"));
            return Views.redirect(BASE + "/apis/" + form.get("api_id") + "?notice=granted");
        });
        post(routes, "/grants/revoke", (s, r) -> {
            Map<String, String> form = r.form();
            m().catalogue().revokeGrant(s.actor(), form.get("scope"), form.get("account_id"));
            return Views.redirect(BASE + "/apis/" + form.get("api_id") + "?notice=ungranted");
        });
        get(routes, "/audit", this::audit);
        get(routes, "/audit/export", (s, r) -> {
            String query = r.query() == null ? "" : "?" + r.query();
            return Views.redirect(AdminApi.BASE + "/audit-events/export" + query);
        });
        get(routes, "/accounts", (s, r) -> accounts(s, r, null, null, 200));
        post(routes, "/accounts", this::invite);
        post(routes, "/accounts/{account_id}/{action}", this::accountAction);
        return routes.stream().map(route -> new Route(route.method(), route.pattern(), request -> safely(request,
                route.handler()))).toList();
    }

    /** No page fails with an exception: a malformed request is a 400 page, anything unforeseen a 500 (logged). */
    private Reply safely(Request request, java.util.function.Function<Request, Reply> handler) {
        try {
            return handler.apply(request);
        } catch (ManagementException e) {
            return message(e.kind().status(), Problems.title(e.kind().status()), sentence(e.getMessage()), null);
        } catch (StoreUnavailableException | dev.latchkey.core.account.PasswordHasher.Busy e) {
            return message(503, "Unavailable", "The server is busy or its database is unavailable; retry shortly.", null);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(Pages.class).error("Dashboard page failed", e);
            return message(500, "Something went wrong", "Something went wrong on the server; it is logged.", null);
        }
    }

    private Management m() {
        return management.get();
    }

    private void get(List<Route> routes, String path, Handler handler) {
        routes.add(new Route("GET", BASE + path, request -> signedIn(request, handler, false)));
    }

    private void post(List<Route> routes, String path, Handler handler) {
        routes.add(new Route("POST", BASE + path, request -> signedIn(request, handler, true)));
    }

    /**
     * Runs a page with its session: none sends the browser to sign in (a GET) or is 403 (a POST);
     * a POST without its CSRF token is 403; a refused change shows the page's error.
     */
    private Reply signedIn(Request request, Handler handler, boolean changes) {
        Optional<SignedIn> signedIn;
        try {
            signedIn = new Gate(m()).session(request);
        } catch (StoreUnavailableException e) {
            return message(503, "Unavailable", "The database is unavailable; retry shortly.", null);
        }
        if (signedIn.isEmpty()) {
            return changes ? message(403, "Signed out", "Your session has ended. Sign in again.", null)
                    : Views.redirect(BASE + "/signin");
        }
        Session session = new Session(signedIn.get(), Actor.of(signedIn.get().account(), request.source()),
                AccountManagement.csrfToken(signedIn.get().cookie()));
        try {
            if (changes && !Gate.csrfMatches(signedIn.get(), request.form().get(Gate.CSRF_FIELD))) {
                return message(403, "Forbidden",
                        "The form is missing its security token. Reload the page and try again.", session);
            }
            return handler.handle(session, request);
        } catch (ManagementException e) {
            return message(e.kind().status(), Problems.title(e.kind().status()), sentence(e.getMessage()), session);
        } catch (StoreUnavailableException | dev.latchkey.core.account.PasswordHasher.Busy e) {
            return message(503, "Unavailable", "The server is busy or its database is unavailable; retry shortly.",
                    session);
        }
    }

    private Reply message(int status, String title, String text, Session session) {
        PageContext page = session == null ? new PageContext(title, "", null, null, null, null)
                : new PageContext(title, "", session.account(), session.csrf(), null, null);
        return Views.page(status, "message", Map.of("page", page, "message", text));
    }

    // ---- sign-in, invitations, passwords

    private Reply signInForm(Request request) {
        String formCookie = Secrets.random256();
        Reply page = Views.page(200, "signin", Map.of("page", new PageContext("Sign in", "", null,
                AccountManagement.csrfToken(formCookie), notice(request), null), "username", ""));
        return withCookie(page, formCookie(formCookie));
    }

    private Reply signIn(Request request) {
        Map<String, String> form = request.form();
        String formCookie = Gate.cookie(request.header("Cookie"), PRE_SESSION_COOKIE);
        if (formCookie == null || !AccountManagement.csrfMatches(formCookie, form.get(Gate.CSRF_FIELD))) {
            return message(403, "Forbidden", "The sign-in form expired. Reload it and try again.", null);
        }
        String username = form.getOrDefault("username", "");
        char[] password = form.getOrDefault("password", "").toCharArray();
        try {
            SignedIn signedIn = m().accounts().signIn(username, password, request.source());
            // A new session id at every sign-in (no fixation); the form's cookie is spent.
            Map<String, String> headers = Views.securityHeaders();
            headers.put("Location", BASE + "/");
            headers.put("Set-Cookie", new Gate(m()).sessionCookie(signedIn.cookie()));
            return new Reply(303, headers, new byte[0]);
        } catch (AccountManagement.SignInRefused refused) {
            Map<String, Object> parameters = new HashMap<>();
            parameters.put("page", new PageContext("Sign in", "", null, AccountManagement.csrfToken(formCookie), null,
                    refused.getMessage() + "."));
            parameters.put("username", username);
            Reply page = Views.page(refused.retryAfter().isZero() ? 401 : 429, "signin", parameters);
            if (!refused.retryAfter().isZero()) {
                page.headers().put("Retry-After", Long.toString(Math.max(1, refused.retryAfter().toSeconds())));
            }
            return page;
        } catch (StoreUnavailableException | dev.latchkey.core.account.PasswordHasher.Busy e) {
            return message(503, "Unavailable", "The server is busy; retry shortly.", null);
        }
    }

    private Reply invitationForm(Request request) {
        Optional<Account> invited = m().accounts().invited(request.parameter(0));
        if (invited.isEmpty()) {
            return message(404, "Not Found", "This link is not valid: it was used, it expired, or it was never made.",
                    null);
        }
        String formCookie = Secrets.random256();
        return withCookie(Views.page(200, "invitation", Map.of("page", new PageContext("Set your password", "", null,
                AccountManagement.csrfToken(formCookie), null, null), "username", invited.get().username())),
                formCookie(formCookie));
    }

    private Reply acceptInvitation(Request request) {
        Map<String, String> form = request.form();
        String formCookie = Gate.cookie(request.header("Cookie"), PRE_SESSION_COOKIE);
        if (formCookie == null || !AccountManagement.csrfMatches(formCookie, form.get(Gate.CSRF_FIELD))) {
            return message(403, "Forbidden", "The form expired. Open the link again.", null);
        }
        String password = form.getOrDefault("password", "");
        Optional<Account> invited = m().accounts().invited(request.parameter(0));
        try {
            if (!password.equals(form.getOrDefault("confirm", ""))) {
                throw ManagementException.invalid("the two passwords differ");
            }
            Account accepted = m().accounts().acceptInvitation(request.parameter(0), password.toCharArray(),
                    request.source());
            // An end user signs in where apps send them, and lands on their account page.
            return Views.redirect(accepted.role() == Role.USER ? "/login?next=/account" : BASE + "/signin?notice=welcome");
        } catch (ManagementException e) {
            if (invited.isEmpty()) {
                return message(404, "Not Found", "This link is not valid: it was used, it expired, or it was never made.",
                        null);
            }
            return Views.page(400, "invitation", Map.of("page", new PageContext("Set your password", "", null,
                    AccountManagement.csrfToken(formCookie), null, sentence(e.getMessage())),
                    "username", invited.get().username()));
        }
    }

    private Reply changePassword(Session session, Request request) {
        Map<String, String> form = request.form();
        try {
            if (!form.getOrDefault("password", "").equals(form.getOrDefault("confirm", ""))) {
                throw ManagementException.invalid("the two new passwords differ");
            }
            SignedIn fresh = m().accounts().changePassword(session.actor(), form.getOrDefault("current", "").toCharArray(),
                    form.getOrDefault("password", "").toCharArray());
            return Views.redirect(BASE + "/?notice=password", new Gate(m()).sessionCookie(fresh.cookie()));
        } catch (ManagementException e) {
            return Views.page(400, "password", Map.of("page", session.context("Change password", "password", request)
                    .withError(sentence(e.getMessage()))));
        }
    }

    // ---- overview

    private Reply overview(Session session, Request request) {
        Management m = m();
        Instant now = m.clock().instant();
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("page", session.context("Overview", "overview", request));
        parameters.put("hourly", Chart.of("hourly", "Tokens issued and errors per hour, last 24 hours",
                m.usage().hourly(session.actor(), null), c -> Format.hour(c.start()) + ": " + c.issued() + " tokens, "
                        + c.errors() + " errors", c -> Format.hour(c.start())));
        parameters.put("daily", Chart.of("daily", "Tokens issued and errors per day, last 30 days",
                m.usage().daily(session.actor(), null), c -> Format.day(c.start()) + ": " + c.issued() + " tokens, "
                        + c.errors() + " errors", c -> Format.day(c.start())));
        parameters.put("busiest", m.usage().busiest(session.actor(), 10));
        parameters.put("keys", session.actor().admin() ? m.keys().ring().states(now, m.keys().maxTokenTtl()) : List.of());
        parameters.put("healthy", m.ready().getAsBoolean());
        parameters.put("now", now);
        return Views.page(200, "overview", parameters);
    }

    // ---- client applications

    private Reply clients(Session session, Request request) {
        String search = request.query("search");
        String scope = request.query("scope");
        Page<RegisteredClient> page = m().clients().list(session.actor(), search, scope, request.query("cursor"), PAGE);
        String next = page.nextCursor() == null ? null : BASE + "/clients?" + query(Map.of("search", nz(search),
                "scope", nz(scope), "cursor", page.nextCursor()));
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("page", session.context("Client applications", "clients", request));
        parameters.put("clients", page.items());
        parameters.put("search", nz(search));
        parameters.put("scope", nz(scope));
        parameters.put("next", next);
        parameters.put("now", m().clock().instant());
        return Views.page(200, "clients", parameters);
    }

    private Reply newClientForm(Session session, Request request, String error, int status) {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("page", session.context("New client application", "clients", request).withError(error));
        parameters.put("allowed", m().catalogue().snapshot().allowedFor(session.account()));
        parameters.put("form", request.isStateChanging() ? request.form() : Map.of());
        return Views.page(status, "client_new", parameters);
    }

    private Reply createClient(Session session, Request request) {
        Map<String, String> form = request.form();
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("client_name", form.getOrDefault("client_name", "").strip());
        putIfText(metadata, "description", form.get("description"));
        metadata.put("scope", String.join(" ", request.formValues("scope")));
        List<String> grants = new ArrayList<>(List.of("client_credentials"));
        if ("on".equals(form.get("refresh_token"))) {
            grants.add("refresh_token");
        }
        metadata.put("grant_types", grants);
        putIfText(metadata, "access_token_format", form.get("access_token_format"));
        try {
            if (metadata.get("client_name").toString().isEmpty()) {
                throw ManagementException.invalid("a name is required");
            }
            ClientManagement.Created created = m().clients().create(session.actor(), metadata, null);
            return secretShown(session, request, created.client(), created.client().secrets().get(0), created.secret().value(),
                    "Client application created");
        } catch (ManagementException e) {
            return newClientForm(session, request, sentence(e.getMessage()), e.kind().status());
        }
    }

    private Reply secretShown(Session session, Request request, RegisteredClient client, StoredSecret stored,
            String value, String headline) {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("page", session.context(headline, "clients", request));
        parameters.put("client", client);
        parameters.put("secretId", stored.secretId());
        parameters.put("secret", value);
        parameters.put("tokenEndpoint", m().issuer() + "/oauth2/token");
        return Views.page(201, "secret", parameters);
    }

    private Reply client(Session session, Request request, String tab, String error, int status) {
        Management m = m();
        RegisteredClient client = m.clients().show(session.actor(), request.parameter(0));
        Instant now = m.clock().instant();
        Catalogue catalogue = m.catalogue().snapshot();
        Map<String, Object> parameters = new HashMap<>();
        String name = client.metadata().clientName() == null ? client.clientId() : client.metadata().clientName();
        parameters.put("page", session.context(name, "clients", request).withError(error));
        parameters.put("client", client);
        parameters.put("tab", tab);
        parameters.put("now", now);
        parameters.put("owner", client.ownerId() == null ? null
                : m.accounts().lookup(client.ownerId()).map(Account::username).orElse(client.ownerId()));
        parameters.put("access", access(catalogue, client, session.account()));
        parameters.put("outside", client.metadata().scope().values().stream()
                .filter(scope -> catalogue.scope(scope).isEmpty()).sorted().toList());
        parameters.put("overlaps", ClientManagement.OVERLAPS.stream().map(d -> Map.entry(d.toSeconds(),
                Format.duration(d))).toList());
        parameters.put("families", tab.equals("tokens")
                ? m.clients().families(session.actor(), client.clientId(), request.query("cursor"), PAGE) : new Page<>(List.of(), null));
        parameters.put("hourly", tab.equals("activity") ? Chart.of("hourly", "Tokens issued and errors per hour, last 24 hours",
                m.usage().hourly(session.actor(), client.clientId()), c -> Format.hour(c.start()) + ": " + c.issued()
                        + " tokens, " + c.errors() + " errors", c -> Format.hour(c.start())) : null);
        parameters.put("errors", tab.equals("activity") ? m.usage().errors(client.clientId(), 20) : List.of());
        parameters.put("issuer", m.issuer());
        return Views.page(status, "client", parameters);
    }

    /** The catalogue's APIs with the scopes this account may allow, each marked if the client holds it. */
    private static List<ApiAccess> access(Catalogue catalogue, RegisteredClient client, Account account) {
        Set<String> held = client.metadata().scope().values();
        List<ApiAccess> apis = new ArrayList<>();
        for (Api api : catalogue.apis()) {
            List<ScopeChoice> scopes = new ArrayList<>();
            for (ApiScope scope : api.scopes()) {
                boolean allowed = catalogue.mayAllow(account, scope.value());
                if (allowed || held.contains(scope.value())) {
                    scopes.add(new ScopeChoice(scope, held.contains(scope.value()), allowed));
                }
            }
            if (!scopes.isEmpty()) {
                apis.add(new ApiAccess(api, scopes));
            }
        }
        return apis;
    }

    /** An API on the Access tab and its scopes. */
    public record ApiAccess(Api api, List<ScopeChoice> scopes) {
    }

    /** A scope on the Access tab: held by the client, and whether the viewer may change it. */
    public record ScopeChoice(ApiScope scope, boolean held, boolean mayChange) {
    }

    private Reply saveSettings(Session session, Request request) {
        Map<String, String> form = request.form();
        Map<String, Object> changes = new LinkedHashMap<>();
        changes.put("client_name", form.getOrDefault("client_name", "").strip());
        changes.put("description", form.getOrDefault("description", ""));
        List<String> grants = new ArrayList<>();
        for (Map.Entry<String, String> grant : Map.of("grant_client_credentials", "client_credentials",
                "grant_authorization_code", "authorization_code", "grant_device_code",
                "urn:ietf:params:oauth:grant-type:device_code", "refresh_token", "refresh_token").entrySet()) {
            if ("on".equals(form.get(grant.getKey()))) {
                grants.add(grant.getValue());
            }
        }
        changes.put("grant_types", grants);
        changes.put("response_types", grants.contains("authorization_code") ? List.of("code") : List.of());
        changes.put("redirect_uris", lines(form.get("redirect_uris")));
        changes.put("post_logout_redirect_uris", lines(form.get("post_logout_redirect_uris")));
        changes.put("require_pushed_authorization_requests", "on".equals(form.get("require_pushed_authorization_requests")));
        if (session.actor().admin()) {
            changes.put("first_party", "on".equals(form.get("first_party")));
        }
        for (String name : List.of("access_token_format", "token_endpoint_auth_method", "response_profile",
                "application_type", "id_token_signed_response_alg")) {
            putIfText(changes, name, form.get(name));
        }
        for (String name : List.of("access_token_ttl", "refresh_token_ttl", "refresh_token_grace_seconds",
                "refresh_token_absolute_ttl")) {
            String value = form.get(name);
            if (value != null && !value.isBlank()) {
                try {
                    changes.put(name, Long.parseLong(value.strip()));
                } catch (NumberFormatException e) {
                    return client(session, request, "settings", name.replace('_', ' ') + " must be a whole number of seconds", 400);
                }
            }
        }
        try {
            m().clients().update(session.actor(), request.parameter(0), changes);
            return Views.redirect(clientUrl(request.parameter(0), "settings") + "?notice=saved");
        } catch (ManagementException e) {
            if (e.kind() == ManagementException.Kind.NOT_FOUND) {
                throw e;
            }
            return client(session, request, "settings", sentence(e.getMessage()), e.kind().status());
        }
    }

    /** The non-blank lines of a textarea. */
    private static List<String> lines(String text) {
        return text == null ? List.of() : text.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }

    private Reply saveAccess(Session session, Request request) {
        try {
            List<String> chosen = new ArrayList<>(request.formValues("scope"));
            // Scopes the viewer cannot change (outside the catalogue, or restricted and not theirs) stay.
            RegisteredClient client = m().clients().show(session.actor(), request.parameter(0));
            Catalogue catalogue = m().catalogue().snapshot();
            for (String held : client.metadata().scope().values()) {
                if (!chosen.contains(held) && !catalogue.mayAllow(session.account(), held)) {
                    chosen.add(held);
                }
            }
            m().clients().setScopes(session.actor(), request.parameter(0), chosen);
            return Views.redirect(clientUrl(request.parameter(0), "access") + "?notice=scopes");
        } catch (ManagementException e) {
            if (e.kind() == ManagementException.Kind.NOT_FOUND) {
                throw e;
            }
            return client(session, request, "access", sentence(e.getMessage()), e.kind().status());
        }
    }

    private Reply addSecret(Session session, Request request) {
        try {
            ClientManagement.NewSecret secret = m().clients().addSecret(session.actor(), request.parameter(0),
                    request.form().get("name"), null);
            RegisteredClient client = m().clients().show(session.actor(), request.parameter(0));
            return secretShown(session, request, client, secret.stored(), secret.value().value(), "New secret");
        } catch (ManagementException e) {
            if (e.kind() == ManagementException.Kind.NOT_FOUND) {
                throw e;
            }
            return client(session, request, "credentials", sentence(e.getMessage()), e.kind().status());
        }
    }

    private Reply secretAction(Session session, Request request) {
        String clientId = request.parameter(0);
        String secretId = request.parameter(1);
        Map<String, String> form = request.form();
        try {
            switch (request.parameter(2)) {
                case "rotate" -> {
                    long overlap = Long.parseLong(form.getOrDefault("overlap", "-1"));
                    ClientManagement.NewSecret secret = m().clients().rotateSecret(session.actor(), clientId, secretId,
                            Duration.ofSeconds(overlap), form.get("name"));
                    RegisteredClient client = m().clients().show(session.actor(), clientId);
                    return secretShown(session, request, client, secret.stored(), secret.value().value(),
                            "Secret rotated");
                }
                case "expire" -> {
                    m().clients().expireSecret(session.actor(), clientId, secretId, expiry(form.get("expires_at"),
                            m().clock().instant()));
                    return Views.redirect(clientUrl(clientId, "credentials") + "?notice=expired");
                }
                case "revoke" -> {
                    m().clients().revokeSecret(session.actor(), clientId, secretId);
                    return Views.redirect(clientUrl(clientId, "credentials") + "?notice=revoked");
                }
                default -> throw ManagementException.notFound("action");
            }
        } catch (NumberFormatException e) {
            return client(session, request, "credentials", "Choose an overlap.", 400);
        } catch (ManagementException e) {
            if (e.kind() == ManagementException.Kind.NOT_FOUND) {
                throw e;
            }
            return client(session, request, "credentials", sentence(e.getMessage()), e.kind().status());
        }
    }

    /** "now", or a date (YYYY-MM-DD, the end of that day UTC). */
    private static Instant expiry(String value, Instant now) {
        if (value == null || value.isBlank() || value.equals("now")) {
            return now;
        }
        try {
            return LocalDate.parse(value.strip()).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (RuntimeException e) {
            throw ManagementException.invalid("the expiry is a date, YYYY-MM-DD");
        }
    }

    // ---- APIs and scopes

    private Reply apis(Session session, Request request, String error, int status) {
        requireAdmin(session);
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("page", session.context("APIs and scopes", "apis", request).withError(error));
        parameters.put("apis", m().catalogue().snapshot().apis());
        parameters.put("form", request.isStateChanging() ? request.form() : Map.of());
        return Views.page(status, "apis", parameters);
    }

    private Reply createApi(Session session, Request request) {
        Map<String, String> form = request.form();
        try {
            Api api = m().catalogue().create(session.actor(), form.get("name"), form.get("identifier"),
                    form.get("description"), scopeLines(form.get("scopes")));
            return Views.redirect(BASE + "/apis/" + api.apiId() + "?notice=api");
        } catch (ManagementException e) {
            if (e.kind() == ManagementException.Kind.FORBIDDEN) {
                throw e;
            }
            return apis(session, request, sentence(e.getMessage()), e.kind().status());
        }
    }

    private Reply api(Session session, Request request, String error, int status) {
        requireAdmin(session);
        Management m = m();
        Api api = m.catalogue().api(request.parameter(0));
        Catalogue catalogue = m.catalogue().snapshot();
        List<Account> accounts = m.accounts().list(session.actor());
        Map<String, List<Account>> granted = new LinkedHashMap<>();
        Map<String, List<RegisteredClient>> holders = new LinkedHashMap<>();
        for (ApiScope scope : api.scopes()) {
            granted.put(scope.value(), accounts.stream().filter(account -> catalogue.grants()
                    .getOrDefault(account.accountId(), Set.of()).contains(scope.value())).toList());
            holders.put(scope.value(), m.clients().list(session.actor(), null, scope.value(), null, 5).items());
        }
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("page", session.context(api.name(), "apis", request).withError(error));
        parameters.put("api", api);
        parameters.put("scopeLines", scopeText(api));
        parameters.put("granted", granted);
        parameters.put("holders", holders);
        parameters.put("developers", accounts.stream().filter(account -> account.role() == Role.DEVELOPER).toList());
        return Views.page(status, "api", parameters);
    }

    private Reply updateApi(Session session, Request request) {
        Map<String, String> form = request.form();
        try {
            m().catalogue().update(session.actor(), request.parameter(0), form.get("name"), form.get("description"),
                    scopeLines(form.get("scopes")));
            return Views.redirect(BASE + "/apis/" + request.parameter(0) + "?notice=api");
        } catch (ManagementException e) {
            if (e.kind() == ManagementException.Kind.FORBIDDEN || e.kind() == ManagementException.Kind.NOT_FOUND) {
                throw e;
            }
            return api(session, request, sentence(e.getMessage()), e.kind().status());
        }
    }

    /** One scope a line: {@code value | description}, with {@code | restricted} at the end for a restricted one. */
    static List<CatalogueManagement.ScopeSpec> scopeLines(String text) {
        List<CatalogueManagement.ScopeSpec> scopes = new ArrayList<>();
        if (text == null) {
            return scopes;
        }
        for (String line : text.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split("\\|", -1);
            boolean restricted = parts.length >= 3 && parts[parts.length - 1].strip().equalsIgnoreCase("restricted");
            String description = parts.length >= 2 ? parts[1].strip() : "";
            scopes.add(new CatalogueManagement.ScopeSpec(parts[0].strip(), description, restricted));
        }
        return scopes;
    }

    private static String scopeText(Api api) {
        StringBuilder text = new StringBuilder();
        for (ApiScope scope : api.scopes()) {
            text.append(scope.value()).append(" | ").append(scope.description())
                    .append(scope.restricted() ? " | restricted" : "").append('\n');
        }
        return text.toString();
    }

    // ---- audit log

    private Reply audit(Session session, Request request) {
        String actor = nz(request.query("actor"));
        String action = nz(request.query("action"));
        String target = nz(request.query("target"));
        Page<AuditEvent> page = m().audit().list(session.actor(), new AuditQuery(blank(actor), blank(action),
                blank(target), null, null, PAGE), request.query("cursor"));
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("actor", actor);
        filters.put("action", action);
        filters.put("target", target);
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("page", session.context("Audit log", "audit", request));
        parameters.put("events", page.items());
        parameters.put("filters", filters);
        parameters.put("next", page.nextCursor() == null ? null : BASE + "/audit?" + query(Map.of("actor", actor,
                "action", action, "target", target, "cursor", page.nextCursor())));
        parameters.put("export", BASE + "/audit/export?" + query(Map.of("actor", actor, "action", action,
                "target", target)));
        return Views.page(200, "audit", parameters);
    }

    // ---- accounts

    private Reply accounts(Session session, Request request, String link, String error, int status) {
        requireAdmin(session);
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("page", session.context("Accounts", "accounts", request).withError(error));
        parameters.put("accounts", m().accounts().list(session.actor()));
        parameters.put("link", link);
        parameters.put("now", m().clock().instant());
        return Views.page(status, "accounts", parameters);
    }

    private Reply invite(Session session, Request request) {
        Map<String, String> form = request.form();
        try {
            Role role = Role.fromWire(form.getOrDefault("role", "developer"))
                    .orElseThrow(() -> ManagementException.invalid("role must be admin or developer"));
            AccountManagement.Invitation invitation = m().accounts().invite(session.actor(), form.get("username"), role);
            return accounts(session, request, m().issuer() + INVITATION + invitation.token(), null, 201);
        } catch (ManagementException e) {
            if (e.kind() == ManagementException.Kind.FORBIDDEN) {
                throw e;
            }
            return accounts(session, request, null, sentence(e.getMessage()), e.kind().status());
        }
    }

    private Reply accountAction(Session session, Request request) {
        String accountId = request.parameter(0);
        try {
            switch (request.parameter(1)) {
                case "disable" -> m().accounts().setDisabled(session.actor(), accountId, true);
                case "enable" -> m().accounts().setDisabled(session.actor(), accountId, false);
                case "role" -> m().accounts().changeRole(session.actor(), accountId,
                        Role.fromWire(request.form().getOrDefault("role", ""))
                                .orElseThrow(() -> ManagementException.invalid("role must be admin or developer")));
                case "reset" -> {
                    AccountManagement.Invitation reset = m().accounts().resetPassword(session.actor(), accountId);
                    return accounts(session, request, m().issuer() + INVITATION + reset.token(), null, 200);
                }
                default -> throw ManagementException.notFound("action");
            }
            return Views.redirect(BASE + "/accounts?notice=account");
        } catch (ManagementException e) {
            if (e.kind() == ManagementException.Kind.FORBIDDEN || e.kind() == ManagementException.Kind.NOT_FOUND) {
                throw e;
            }
            return accounts(session, request, null, sentence(e.getMessage()), e.kind().status());
        }
    }

    // ---- helpers

    private Reply asset(Request request) {
        String file = request.parameter(0);
        if (!ASSETS.contains(file)) {
            return message(404, "Not Found", "There is no such file.", null);
        }
        try (InputStream in = Pages.class.getResourceAsStream(file.equals("htmx.min.js") ? HTMX : "/dashboard/" + file)) {
            if (in == null) {
                throw new IllegalStateException(file + " is missing from the build");
            }
            Map<String, String> headers = Views.securityHeaders();
            headers.put("Content-Type", file.endsWith(".css") ? "text/css; charset=utf-8"
                    : file.endsWith(".js") ? "text/javascript; charset=utf-8" : "image/svg+xml");
            headers.put("Cache-Control", "public, max-age=3600");
            return new Reply(200, headers, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void requireAdmin(Session session) {
        if (!session.actor().admin()) {
            throw ManagementException.forbidden("only an admin may see this page");
        }
    }

    private static Reply withCookie(Reply reply, String cookie) {
        Map<String, String> headers = new LinkedHashMap<>(reply.headers());
        headers.put("Set-Cookie", cookie);
        return new Reply(reply.status(), headers, reply.body());
    }

    private String formCookie(String value) {
        return PRE_SESSION_COOKIE + "=" + value + "; Path=" + BASE + "; HttpOnly; SameSite=Strict"
                + (m().secure() ? "; Secure" : "");
    }

    static String clientUrl(String clientId, String tab) {
        return BASE + "/clients/" + URLEncoder.encode(clientId, StandardCharsets.UTF_8) + "/" + tab;
    }

    private static String query(Map<String, String> parameters) {
        StringBuilder query = new StringBuilder();
        new java.util.TreeMap<>(parameters).forEach((name, value) -> {
            if (value != null && !value.isEmpty()) {
                query.append(query.length() == 0 ? "" : "&").append(name).append('=')
                        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        return query.toString();
    }

    private static void putIfText(Map<String, Object> map, String name, String value) {
        if (value != null && !value.isBlank()) {
            map.put(name, value.strip());
        }
    }

    private static String nz(String value) {
        return value == null ? "" : value;
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** A management message as a sentence: capitalised, with a full stop. */
    static String sentence(String message) {
        if (message == null || message.isEmpty()) {
            return "";
        }
        String text = Character.toUpperCase(message.charAt(0)) + message.substring(1);
        return text.endsWith(".") ? text : text + ".";
    }
}
