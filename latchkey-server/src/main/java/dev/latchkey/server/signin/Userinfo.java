package dev.latchkey.server.signin;

import dev.latchkey.core.account.Account;
import dev.latchkey.core.store.AccountStore;
import dev.latchkey.core.token.Introspection;
import dev.latchkey.server.render.Json;
import dev.latchkey.server.render.Reply;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The UserInfo endpoint, OIDC Core §5.3: GET or POST with the access token as a bearer token
 * (RFC 6750 §2.1 header, or §2.2 form body on POST). The token must be live, carry {@code openid}
 * and act for a user. Answers {@code sub}, and {@code preferred_username} with {@code profile}.
 * Errors are RFC 6750 §3 challenges.
 */
public final class Userinfo {

    private final Function<String, CompletableFuture<Introspection>> bearer;
    private final Supplier<AccountStore> accounts;

    public Userinfo(Function<String, CompletableFuture<Introspection>> bearer, Supplier<AccountStore> accounts) {
        this.bearer = bearer;
        this.accounts = accounts;
    }

    /** @param body the POST body (form-encoded, may carry {@code access_token}), or null for GET */
    public Reply reply(String authorization, byte[] body) {
        String token = null;
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.length() <= 7) {
                return challenge(400, "invalid_request", "The Authorization header must be a bearer token");
            }
            token = authorization.substring(7).trim();
        } else if (body != null) {
            token = formValue(new String(body, StandardCharsets.UTF_8), "access_token");
        }
        if (token == null || token.isEmpty()) {
            return new Reply(401, Map.of("WWW-Authenticate", "Bearer realm=\"userinfo\"", "Cache-Control", "no-store"),
                    new byte[0]);
        }
        Introspection introspection = bearer.apply(token).join();
        if (!introspection.isActive() || introspection.subject() == null
                || introspection.subject().equals(introspection.clientId())) {
            return challenge(401, "invalid_token", "The access token is not valid for a user");
        }
        String scope = " " + (introspection.scope() == null ? "" : introspection.scope()) + " ";
        if (!scope.contains(" openid ")) {
            return challenge(403, "insufficient_scope", "The access token lacks the scope openid");
        }
        Optional<Account> account = accounts.get().find(introspection.subject()).filter(a -> !a.disabled());
        if (account.isEmpty()) {
            return challenge(401, "invalid_token", "The user of this access token no longer exists");
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", account.get().accountId());
        if (scope.contains(" profile ")) {
            claims.put("preferred_username", account.get().username());
        }
        if (scope.contains(" email ") && account.get().email() != null) {
            claims.put("email", account.get().email());
            claims.put("email_verified", false); // OIDC Core §5.1: Latchkey does not verify addresses
        }
        return new Reply(200, Map.of("Cache-Control", "no-store"), Json.bytes(claims));
    }

    private static Reply challenge(int status, String error, String description) {
        return new Reply(status, Map.of("WWW-Authenticate", "Bearer realm=\"userinfo\", error=\"" + error
                + "\", error_description=\"" + description + "\"", "Cache-Control", "no-store"), new byte[0]);
    }

    private static String formValue(String form, String name) {
        try {
            return dev.latchkey.server.dashboard.Request.decode(form).getValue(name);
        } catch (dev.latchkey.core.manage.ManagementException malformed) {
            return null;
        }
    }
}
