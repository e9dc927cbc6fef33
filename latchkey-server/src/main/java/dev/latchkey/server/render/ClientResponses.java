package dev.latchkey.server.render;

import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.registry.ClientRegistrar;
import dev.latchkey.core.secret.ClientSecret;
import java.util.LinkedHashMap;
import java.util.Map;

/** The client information response, RFC 7591 §3.2.1 and RFC 7592 §3; also what {@code client create} prints. */
public final class ClientResponses {

    private ClientResponses() {
    }

    /** RFC 7591 §3.2.1: 201 with the new client's secrets, shown this once. */
    public static Reply registered(ClientRegistrar.Registration registration, String registerUri) {
        return Reply.noStore(201, body(registration.client(), registration.secret(),
                registration.registrationAccessToken(), registerUri));
    }

    /** RFC 7592 §3: the client as it is now, without its secrets (only their hashes are kept). */
    public static Reply client(RegisteredClient client, String registerUri) {
        return Reply.noStore(200, body(client, null, null, registerUri));
    }

    /** RFC 7592 §2.3: 204. */
    public static Reply deleted() {
        return new Reply(204, Reply.NO_STORE, new byte[0]);
    }

    /**
     * @param secret            the new secret, only when just registered (null otherwise)
     * @param registrationToken the new registration access token, likewise
     * @param registerUri       the registration endpoint's absolute URI
     */
    public static Map<String, Object> body(RegisteredClient client, ClientSecret secret, String registrationToken,
            String registerUri) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("client_id", client.clientId());
        if (secret != null) {
            body.put("client_secret", secret.value());
        }
        // RFC 7591 §3.2.1: 0 means the secret does not expire.
        body.put("client_secret_expires_at", 0);
        body.put("client_id_issued_at", client.issuedAt().getEpochSecond());
        if (registrationToken != null) {
            body.put("registration_access_token", registrationToken);
        }
        body.put("registration_client_uri", registerUri + "/" + client.clientId());
        body.putAll(client.metadata().toJson());
        return body;
    }
}
