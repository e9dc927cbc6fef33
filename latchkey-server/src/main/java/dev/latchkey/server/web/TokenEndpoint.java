package dev.latchkey.server.web;

import dev.latchkey.core.grant.GrantResult;
import dev.latchkey.core.grant.TokenRequest;
import dev.latchkey.core.grant.TokenService;
import dev.latchkey.server.convert.RequestBodies;
import dev.latchkey.server.convert.TokenRequests;
import dev.latchkey.server.render.TokenResponses;
import io.javalin.http.Context;
import java.util.concurrent.CompletableFuture;

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
        CompletableFuture<GrantResult> issued = tokens.handle(request);
        if (issued.isDone() && !issued.isCompletedExceptionally()) {
            render(ctx, request, issued.join()); // a JWT without a refresh token: nothing to store
            return;
        }
        // What was stored (an opaque token, a refresh token, a rotation) waits for its commit holding
        // no HTTP thread; the writer thread renders the response once the batch is durable. Javalin
        // completes the request, or hands a failure (unwrapped from its CompletionException) to the
        // exception handlers in Routes.
        // Measured (latchkey-bench/load/ab.sh -r 3 cc-opaque, SQLite, 64 connections, old and new build
        // alternated): 9,191 -> 12,083 tokens/s (medians), 2.8-3.4 -> 2.3-2.5 context switches per token.
        ctx.future(() -> issued.thenAccept(result -> render(ctx, request, result)));
    }

    private void render(Context ctx, TokenRequest request, GrantResult result) {
        metrics.issued(request.grant(), result.tokens().format());
        TokenResponses.render(ctx, result);
    }
}
