package dev.latchkey.server.dashboard;

import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.manage.AccountManagement;
import dev.latchkey.core.manage.AccountManagement.SignedIn;
import dev.latchkey.core.token.Introspection;
import java.util.Optional;

/**
 * Who is asking, for the dashboard and the admin API.
 *
 * <p>Pages take the session cookie only. The admin API takes an access token of Latchkey's own
 * (RFC 6750 §2.1, {@code Authorization: Bearer}) carrying {@value Management#ADMIN_SCOPE} (automation
 * uses the product it administers), or the dashboard's session cookie, with the session's CSRF token
 * in {@code X-CSRF-Token} for anything that changes state. Bearer tokens are not sent by browsers on
 * their own, so they need no CSRF token.
 *
 * <p>The cookie is {@code HttpOnly} and {@code SameSite=Strict}; over https it is also {@code Secure}
 * and named with the {@code __Host-} prefix (RFC 6265bis §4.1.3.2: no Domain, Path=/), which
 * browsers refuse without Secure, so over plain http (loopback) it has neither.
 */
public final class Gate {

    static final String COOKIE = "latchkey_session";
    static final String HOST_COOKIE = "__Host-latchkey_session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final String CSRF_FIELD = "csrf";

    /** What the admin API makes of a request's credentials. */
    sealed interface Verdict {
        /** Let in as {@code actor}; {@code session} is null for a bearer token. */
        record Allowed(Actor actor, SignedIn session) implements Verdict {
        }

        /** 401 or 403, with the challenge to send (null for a 403 without one). */
        record Refused(int status, String detail, String challenge) implements Verdict {
        }
    }

    private final Management management;

    Gate(Management management) {
        this.management = management;
    }

    String cookieName() {
        return management.secure() ? HOST_COOKIE : COOKIE;
    }

    /** The cookie that starts a session (no Max-Age: it ends with the browser, or the session first). */
    String sessionCookie(String value) {
        return cookieName() + "=" + value + "; Path=/; HttpOnly; SameSite=Strict" + (management.secure() ? "; Secure" : "");
    }

    /** The cookie that ends one. */
    String clearedCookie() {
        return cookieName() + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (management.secure() ? "; Secure" : "");
    }

    /** The signed-in browser of a page request, if its session lives. */
    Optional<SignedIn> session(Request request) {
        return management.accounts().session(cookie(request.header("Cookie"), cookieName()))
                .filter(signedIn -> signedIn.account().role() != dev.latchkey.core.account.Role.USER);
    }

    /** True if a state-changing request carries its session's CSRF token (in the form or the header). */
    static boolean csrfMatches(SignedIn session, String presented) {
        return AccountManagement.csrfMatches(session.cookie(), presented);
    }

    Verdict api(Request request) {
        String authorization = request.header("Authorization");
        if (authorization != null) {
            return bearer(authorization, request.source());
        }
        Optional<SignedIn> session = session(request);
        if (session.isEmpty()) {
            return new Verdict.Refused(401, "Sign in to the dashboard, or send an access token with the scope "
                    + Management.ADMIN_SCOPE, "Bearer realm=\"latchkey-admin\", scope=\"" + Management.ADMIN_SCOPE + "\"");
        }
        if (request.isStateChanging() && !csrfMatches(session.get(), request.header(CSRF_HEADER))) {
            return new Verdict.Refused(403, "A request with the dashboard's session must carry its CSRF token in "
                    + CSRF_HEADER, null);
        }
        return new Verdict.Allowed(Actor.of(session.get().account(), request.source()), session.get());
    }

    // RFC 6750 §3.1: invalid_token is 401, insufficient_scope is 403, both with a Bearer challenge.
    private Verdict bearer(String authorization, String source) {
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.length() <= 7) {
            return new Verdict.Refused(401, "The Authorization header must be a bearer token",
                    "Bearer realm=\"latchkey-admin\", error=\"invalid_request\"");
        }
        Introspection token = management.bearer().apply(authorization.substring(7).trim()).join();
        if (!token.isActive()) {
            return new Verdict.Refused(401, "The access token is not valid",
                    "Bearer realm=\"latchkey-admin\", error=\"invalid_token\"");
        }
        if (token.scope() == null || !(" " + token.scope() + " ").contains(" " + Management.ADMIN_SCOPE + " ")) {
            return new Verdict.Refused(403, "The access token lacks the scope " + Management.ADMIN_SCOPE,
                    "Bearer realm=\"latchkey-admin\", error=\"insufficient_scope\", scope=\"" + Management.ADMIN_SCOPE + "\"");
        }
        return new Verdict.Allowed(Actor.adminClient(token.clientId(), source), null);
    }

    /** A cookie's value from a {@code Cookie} header (RFC 6265 §5.4), or null. */
    public static String cookie(String header, String name) {
        if (header == null) {
            return null;
        }
        for (String pair : header.split(";")) {
            String trimmed = pair.trim();
            int equals = trimmed.indexOf('=');
            if (equals > 0 && trimmed.substring(0, equals).equals(name)) {
                return trimmed.substring(equals + 1);
            }
        }
        return null;
    }
}
