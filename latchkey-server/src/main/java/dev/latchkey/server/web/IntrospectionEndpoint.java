package dev.latchkey.server.web;

import dev.latchkey.core.client.ClientAuthenticator;
import dev.latchkey.core.token.Introspection;
import dev.latchkey.core.token.Introspector;
import dev.latchkey.server.convert.ClientAuthentication;
import dev.latchkey.server.convert.Form;
import dev.latchkey.server.convert.RequestBodies;
import dev.latchkey.server.render.Json;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /oauth2/introspect}, RFC 7662. Any registered client may introspect (§2.1 requires
 * authorization, and resource servers are clients); the answer is §2.2 JSON.
 */
final class IntrospectionEndpoint {

    private final RequestBodies bodies;
    private final ClientAuthenticator authenticator;
    private final Introspector introspector;

    IntrospectionEndpoint(RequestBodies bodies, ClientAuthenticator authenticator, Introspector introspector) {
        this.bodies = bodies;
        this.authenticator = authenticator;
        this.introspector = introspector;
    }

    void handle(Context ctx) {
        Form form = bodies.form(ctx).requireNoRepeats();
        authenticator.authenticate(ClientAuthentication.parse(ctx.header("Authorization"), form));
        CompletableFuture<Introspection> result =
                introspector.introspectAsync(form.required("token"), form.single("token_type_hint"));
        if (result.isDone() && !result.isCompletedExceptionally()) {
            render(ctx, result.join()); // JWTs and the embedded store: answered on this thread
            return;
        }
        // PostgreSQL: the lookup is batched with others and answered on a looper thread; no HTTP
        // thread waits for it. Javalin hands a failure to the exception handlers in Routes.
        ctx.future(() -> result.thenAccept(introspection -> render(ctx, introspection)));
    }

    private static void render(Context ctx, Introspection result) {
        Json.noStore(ctx);
        Json.write(ctx, 200, body(result));
    }

    static Map<String, Object> body(Introspection result) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("active", result.active());
        if (!result.active()) {
            return body;
        }
        putIfPresent(body, "scope", result.scope());
        putIfPresent(body, "client_id", result.clientId());
        putIfPresent(body, "token_type", result.tokenType());
        body.put("exp", result.expiresAt().getEpochSecond());
        body.put("iat", result.issuedAt().getEpochSecond());
        putIfPresent(body, "sub", result.subject());
        if (!result.audience().isEmpty()) {
            body.put("aud", result.audience().size() == 1 ? result.audience().get(0) : result.audience());
        }
        putIfPresent(body, "iss", result.issuer());
        putIfPresent(body, "jti", result.jti());
        return body;
    }

    private static void putIfPresent(Map<String, Object> body, String name, Object value) {
        if (value != null) {
            body.put(name, value);
        }
    }
}
