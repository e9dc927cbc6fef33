package dev.latchkey.server.web;

import dev.latchkey.core.client.ClientAuthenticator;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.token.Revoker;
import dev.latchkey.server.convert.ClientAuthentication;
import dev.latchkey.server.convert.Form;
import dev.latchkey.server.convert.RequestBodies;
import dev.latchkey.server.render.Reply;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;

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

    Reply handle(Router.Call call) {
        Form form = call.form(bodies).requireNoRepeats();
        RegisteredClient client = authenticator.authenticate(
                ClientAuthentication.parse(call.header(HttpHeader.AUTHORIZATION), form));
        revoker.revoke(client, form.required("token"), form.single("token_type_hint"));
        return new Reply(200, Reply.NO_STORE, EMPTY);
    }

    private static final byte[] EMPTY = new byte[0];
}
