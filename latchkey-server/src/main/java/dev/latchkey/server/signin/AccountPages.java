package dev.latchkey.server.signin;

import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.core.account.Role;
import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.key.KeyRing;
import dev.latchkey.core.manage.AccountManagement;
import dev.latchkey.core.manage.AccountManagement.SignedIn;
import dev.latchkey.core.manage.ManagementException;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.server.dashboard.Gate;
import dev.latchkey.server.dashboard.Request;
import dev.latchkey.server.dashboard.Route;
import dev.latchkey.server.dashboard.Views;
import dev.latchkey.server.render.Reply;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.util.MultiMap;

/**
 * The end user's own pages: the account page (connected apps and revoking one, change password,
 * sign out everywhere), self sign-up when the operator allows it ({@code --allow-signup}), and
 * logout, which is also OpenID Connect RP-Initiated Logout 1.0's {@code end_session_endpoint}: a
 * registered {@code post_logout_redirect_uri} of the client the {@code id_token_hint} (or
 * {@code client_id}) names gets the browser back with its {@code state}; any other is refused with a
 * page, never followed (no open redirect). Every POST carries the session's CSRF token.
 */
final class AccountPages {

    static final String ACCOUNT = "/account";
    static final String LOGOUT = "/logout";
    static final String SIGNUP = "/signup";
    private static final String SIGNUP_FORM_COOKIE = "latchkey_signup";

    private final UserPages pages;
    private final Supplier<UserServices> users;
    private final String issuer;
    private final Messages t;

    AccountPages(UserPages pages, Supplier<UserServices> users, String issuer) {
        this.pages = pages;
        this.users = users;
        this.issuer = issuer;
        this.t = pages.t;
    }

    List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        routes.add(new Route("GET", ACCOUNT, request -> pages.safely(() -> account(request, null))));
        routes.add(new Route("POST", ACCOUNT + "/password", request -> pages.safely(() -> changePassword(request))));
        routes.add(new Route("POST", ACCOUNT + "/apps/{client_id}/revoke", request -> pages.safely(() ->
                withSession(request, user -> {
                    users.get().connectedApps().revoke(user.account().accountId(), request.parameter(0));
                    return Views.redirect(ACCOUNT + "?notice=revoked");
                }))));
        routes.add(new Route("POST", ACCOUNT + "/signout-everywhere", request -> pages.safely(() ->
                withSession(request, user -> {
                    pages.m().accounts().signOutEverywhere(user);
                    return signedOut(null, null);
                }))));
        routes.add(new Route("GET", LOGOUT, request -> pages.safely(() -> logout(request, request.query(), false))));
        routes.add(new Route("POST", LOGOUT, request -> pages.safely(() -> {
            String query = request.form().get("query");
            return logout(request, query == null ? "" : query, true);
        })));
        routes.add(new Route("GET", SIGNUP, request -> pages.safely(() -> signUpForm(request))));
        routes.add(new Route("POST", SIGNUP, request -> pages.safely(() -> signUp(request))));
        return routes;
    }

    // ---- the account page

    private Reply account(Request request, String error) {
        Optional<SignedIn> session = pages.session(request);
        if (session.isEmpty()) {
            return Views.redirect(UserPages.LOGIN + "?next=" + UserPages.encode(ACCOUNT));
        }
        String notice = request.query("notice");
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("page", new UserPage(t.get("account.title"),
                AccountManagement.csrfToken(session.get().cookie()), error, t));
        parameters.put("username", session.get().account().username());
        parameters.put("apps", users.get().connectedApps().list(session.get().account().accountId()));
        parameters.put("notice", "revoked".equals(notice) ? t.get("account.revoked")
                : "password".equals(notice) ? t.get("account.changed") : null);
        return Views.page(error == null ? 200 : 400, "account", parameters);
    }

    private Reply changePassword(Request request) {
        return withSession(request, user -> {
            Map<String, String> form = request.form();
            if (!form.getOrDefault("password", "").equals(form.getOrDefault("confirm", ""))) {
                return account(request, t.get("account.differ"));
            }
            try {
                SignedIn fresh = pages.m().accounts().changePassword(Actor.of(user.account(), request.source()),
                        form.getOrDefault("current", "").toCharArray(), form.getOrDefault("password", "").toCharArray());
                return Views.redirect(ACCOUNT + "?notice=password", pages.sessionCookie(fresh.cookie()));
            } catch (ManagementException e) {
                return account(request, capitalized(e.getMessage()));
            }
        });
    }

    private Reply withSession(Request request, java.util.function.Function<SignedIn, Reply> action) {
        Optional<SignedIn> session = pages.session(request);
        if (session.isEmpty() || !AccountManagement.csrfMatches(session.get().cookie(), request.form().get("csrf"))) {
            return pages.message(403, t.get("error.title"), t.get("consent.expired"));
        }
        return action.apply(session.get());
    }

    // ---- logout (OIDC RP-Initiated Logout 1.0 §2-§3)

    private Reply logout(Request request, String query, boolean confirmed) {
        Map<String, String> parameters = decode(query);
        String redirect = parameters.get("post_logout_redirect_uri");
        Optional<String> hinted = hintedSubject(parameters.get("id_token_hint"));
        String clientId = hintedClient(parameters.get("id_token_hint")).orElse(parameters.get("client_id"));
        if (redirect != null) {
            // §3: the URI must be registered for the client the request names; else no redirect at all.
            Optional<RegisteredClient> client = clientId == null ? Optional.empty() : users.get().clients().find(clientId);
            if (client.isEmpty() || !client.get().metadata().userFlows().allowsPostLogout(redirect)) {
                return pages.message(400, t.get("error.title"),
                        "The post_logout_redirect_uri is not registered for the application.");
            }
        }
        Optional<SignedIn> session = pages.session(request);
        if (session.isPresent()) {
            boolean hintMatches = hinted.isPresent() && hinted.get().equals(session.get().account().accountId());
            boolean formConfirmed = confirmed
                    && AccountManagement.csrfMatches(session.get().cookie(), request.form().get("csrf"));
            if (!hintMatches && !formConfirmed) {
                // No proof the user asked: a page asks them (a link on another site cannot sign them out).
                Map<String, Object> page = new HashMap<>();
                page.put("page", new UserPage(t.get("account.signout"),
                        AccountManagement.csrfToken(session.get().cookie()), null, t));
                page.put("query", query == null ? "" : query);
                return Views.page(200, "logout", page);
            }
            pages.m().accounts().signOut(session.get(), request.source());
        }
        return signedOut(redirect, parameters.get("state"));
    }

    private Reply signedOut(String redirect, String state) {
        String cleared = pages.cookieName() + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"
                + (pages.secure() ? "; Secure" : "");
        if (redirect != null) {
            Map<String, String> back = new LinkedHashMap<>();
            if (state != null) {
                back.put("state", state);
            }
            return Views.redirect(back.isEmpty() ? redirect : UserPages.withQuery(redirect, back), cleared);
        }
        Reply page = pages.message(200, t.get("signedout.title"), t.get("signedout.text"));
        page.headers().put("Set-Cookie", cleared);
        return page;
    }

    /** The id_token's subject if it is one of ours (signature and issuer checked; it may have expired). */
    private Optional<String> hintedSubject(String idToken) {
        return verified(idToken).map(jwt -> {
            try {
                return jwt.getJWTClaimsSet().getSubject();
            } catch (ParseException e) {
                return null;
            }
        });
    }

    private Optional<String> hintedClient(String idToken) {
        return verified(idToken).map(jwt -> {
            try {
                List<String> audience = jwt.getJWTClaimsSet().getAudience();
                return audience.size() == 1 ? audience.get(0) : null;
            } catch (ParseException e) {
                return null;
            }
        });
    }

    private Optional<SignedJWT> verified(String idToken) {
        if (idToken == null || idToken.length() > 4096) {
            return Optional.empty();
        }
        try {
            SignedJWT jwt = SignedJWT.parse(idToken);
            String kid = jwt.getHeader().getKeyID();
            for (KeyRing.Key key : users.get().idKeys().ring().all()) {
                if (key.kid().equals(kid) && key.algorithm().jws().equals(jwt.getHeader().getAlgorithm())
                        && jwt.verify(key.verifier()) && issuer.equals(jwt.getJWTClaimsSet().getIssuer())) {
                    return Optional.of(jwt);
                }
            }
        } catch (ParseException | com.nimbusds.jose.JOSEException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    // ---- sign-up (--allow-signup)

    private Reply signUpForm(Request request) {
        if (!users.get().authorizations().policy().allowSignup()) {
            return pages.message(404, t.get("error.title"), "Sign-up is not open on this server.");
        }
        String formCookie = Secrets.random256();
        Reply page = signUpPage(200, request.query("authorize"), "", AccountManagement.csrfToken(formCookie), null);
        page.headers().put("Set-Cookie", SIGNUP_FORM_COOKIE + "=" + formCookie + "; Path=/; HttpOnly; SameSite=Strict"
                + (pages.secure() ? "; Secure" : ""));
        return page;
    }

    private Reply signUp(Request request) {
        if (!users.get().authorizations().policy().allowSignup()) {
            return pages.message(404, t.get("error.title"), "Sign-up is not open on this server.");
        }
        Map<String, String> form = request.form();
        String formCookie = Gate.cookie(request.header("Cookie"), SIGNUP_FORM_COOKIE);
        if (formCookie == null || !AccountManagement.csrfMatches(formCookie, form.get("csrf"))) {
            return pages.message(403, t.get("error.title"), t.get("login.expired"));
        }
        String authorize = form.getOrDefault("authorize", "");
        String username = form.getOrDefault("username", "");
        String csrf = AccountManagement.csrfToken(formCookie);
        if (!form.getOrDefault("password", "").equals(form.getOrDefault("confirm", ""))) {
            return signUpPage(400, authorize, username, csrf, t.get("account.differ"));
        }
        try {
            SignedIn signedIn = pages.m().accounts().signUp(username, form.getOrDefault("password", "").toCharArray(),
                    form.get("email"), request.source());
            String next = authorize.isEmpty() ? ACCOUNT : UserPages.AUTHORIZE + "?" + authorize;
            return Views.redirect(next, pages.sessionCookie(signedIn.cookie()));
        } catch (ManagementException e) {
            return signUpPage(400, authorize, username, csrf, capitalized(e.getMessage()));
        } catch (AccountManagement.SignInRefused throttled) {
            Reply page = signUpPage(429, authorize, username, csrf, t.get("login.throttled"));
            page.headers().put("Retry-After", Long.toString(Math.max(1, throttled.retryAfter().toSeconds())));
            return page;
        }
    }

    private Reply signUpPage(int status, String authorize, String username, String csrf, String error) {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("page", new UserPage(t.get("signup.title"), csrf, error, t));
        parameters.put("authorize", authorize == null ? "" : authorize);
        parameters.put("username", username);
        return Views.page(status, "signup", parameters);
    }

    private static Map<String, String> decode(String query) {
        MultiMap<String> values;
        try {
            values = Request.decode(query);
        } catch (ManagementException malformed) {
            return Map.of();
        }
        Map<String, String> first = new HashMap<>();
        values.forEach((name, list) -> first.put(name, list.isEmpty() ? null : list.get(0)));
        return first;
    }

    private static String capitalized(String message) {
        return message == null || message.isEmpty() ? message
                : Character.toUpperCase(message.charAt(0)) + message.substring(1) + ".";
    }

    static boolean isUser(SignedIn signedIn) {
        return signedIn.account().role() == Role.USER;
    }
}
