package dev.latchkey.server.web;

import dev.latchkey.core.client.ClientAuthenticator;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.token.Revoker;
import dev.latchkey.server.convert.ClientAuthentication;
import dev.latchkey.server.convert.Form;
import dev.latchkey.server.convert.RequestBodies;
import dev.latchkey.server.render.Json;
import io.javalin.http.Context;

/** {@code POST /oauth2/revoke}, RFC 7009: 200 with an empty body, also for unknown tokens (§2.2). */
final class RevocationEndpoint {

    private final RequestBodies bodies;
    private final ClientAuthenticator authenticator;
    private final Revoker revoker;

    RevocationEndpoint(RequestBodies bodies, ClientAuthenticator authenticator, Revoker revoker) {
        this.bodies = bodies;
        this.authenticator = authenticator;
        this.revoker = revoker;
    }

    void handle(Context ctx) {
        Form form = bodies.form(ctx).requireNoRepeats();
        RegisteredClient client = authenticator.authenticate(ClientAuthentication.parse(ctx.header("Authorization"), form));
        revoker.revoke(client, form.required("token"), form.single("token_type_hint"));
        Json.noStore(ctx);
        ctx.status(200);
    }
}
