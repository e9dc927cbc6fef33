package dev.latchkey.server.web;

import dev.latchkey.core.client.ClientAuthenticator;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.token.Introspection;
import dev.latchkey.core.token.Introspector;
import dev.latchkey.server.convert.ClientAuthentication;
import dev.latchkey.server.convert.Form;
import dev.latchkey.server.convert.RequestBodies;
import dev.latchkey.server.render.Reply;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.http.HttpHeader;

/**
 * {@code POST /oauth2/introspect}, RFC 7662. Any registered client may call it (§2.1 requires
 * authorization, and resource servers are clients), and learns only about its own tokens and those
 * meant for its {@code introspection_audiences} (§4); the answer is §2.2 JSON.
 */
final class IntrospectionEndpoint implements Router.Route {

    private final RequestBodies bodies;
    private final ClientAuthenticator authenticator;
    private final Introspector introspector;

    IntrospectionEndpoint(RequestBodies bodies, ClientAuthenticator authenticator, Introspector introspector) {
        this.bodies = bodies;
        this.authenticator = authenticator;
        this.introspector = introspector;
    }

    /**
     * JWTs and the embedded store are answered before this returns. On PostgreSQL the lookup is
     * batched with others and the reply completes on a looper thread; no HTTP thread waits for it.
     */
    @Override
    public CompletableFuture<Reply> handle(Router.Call call) {
        Form form = call.form(bodies).requireNoRepeats();
        RegisteredClient caller =
                authenticator.authenticate(ClientAuthentication.parse(call.header(HttpHeader.AUTHORIZATION), form));
        return introspector.introspectAsync(caller, form.required("token"), form.single("token_type_hint"))
                .thenApply(result -> Reply.noStore(200, body(result)));
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
