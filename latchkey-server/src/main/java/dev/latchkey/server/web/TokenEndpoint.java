package dev.latchkey.server.web;

import dev.latchkey.core.grant.GrantResult;
import dev.latchkey.core.grant.TokenRequest;
import dev.latchkey.core.grant.TokenService;
import dev.latchkey.server.convert.RequestBodies;
import dev.latchkey.server.convert.TokenRequests;
import dev.latchkey.server.render.TokenResponses;
import io.javalin.http.Context;

/** {@code POST /oauth2/token}, RFC 6749 §3.2: form in, tokens or a §5.2 error out. */
final class TokenEndpoint {

    private final RequestBodies bodies;
    private final TokenService tokens;
    private final Metrics metrics;

    TokenEndpoint(RequestBodies bodies, TokenService tokens, Metrics metrics) {
        this.bodies = bodies;
        this.tokens = tokens;
        this.metrics = metrics;
    }

    void handle(Context ctx) {
        TokenRequest request = TokenRequests.parse(ctx.header("Authorization"), bodies.form(ctx));
        GrantResult result = tokens.handle(request);
        metrics.issued(request.grant(), result.tokens().format());
        TokenResponses.render(ctx, result);
    }
}
