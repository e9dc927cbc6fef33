package dev.latchkey.server.pipeline;

import com.nimbusds.jose.jwk.JWKSet;
import dev.latchkey.core.client.ClientKeys;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.error.OAuthException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The public keys a {@code private_key_jwt} or {@code self_signed_tls_client_auth} client signs
 * with: its inline {@code jwks}, parsed once, or the set at its {@code jwks_uri} ({@link RemoteJwks}:
 * cached, refetched for an unknown key id at most once every 30 seconds per client). Waits for the
 * network: call {@link #keys} on the store workers. Thread-safe.
 */
final class ClientJwks {

    private record Inline(String jwks, JWKSet keys) {
    }

    /** Inline sets, parsed once per client and kept while the registered text is the same. */
    private final Map<String, Inline> inline = new ConcurrentHashMap<>();
    private final RemoteJwks remote = new RemoteJwks(OAuthError.INVALID_CLIENT, "the client's jwks_uri", keys -> {
        try {
            ClientKeys.check(keys);
            return keys;
        } catch (OAuthException e) {
            throw OAuthError.INVALID_CLIENT.toException("the client's jwks_uri holds keys Latchkey does not accept");
        }
    });

    /** The client's keys, fetched or refetched if needed for {@code kid} (null: any). */
    JWKSet keys(RegisteredClient client, String kid, Instant now) {
        ClientKeys registered = client.metadata().keys();
        if (registered.jwks() != null) {
            return inline(client, registered);
        }
        if (registered.jwksUri() == null) {
            throw OAuthError.INVALID_CLIENT.toException("the client registered no keys");
        }
        return remote.keys(client.clientId(), registered.jwksUri(), kid, now);
    }

    /**
     * The client's keys if they are at hand without a fetch (inline, or fetched and fresh, holding
     * {@code kid}), else null: then {@link #keys} must be called on the store workers.
     */
    JWKSet keysAtHand(RegisteredClient client, String kid, Instant now) {
        ClientKeys registered = client.metadata().keys();
        if (registered.jwks() != null) {
            return inline(client, registered);
        }
        return registered.jwksUri() == null ? null : remote.keysAtHand(client.clientId(), registered.jwksUri(), kid, now);
    }

    private JWKSet inline(RegisteredClient client, ClientKeys registered) {
        Inline known = inline.get(client.clientId());
        if (known == null || !known.jwks().equals(registered.jwks())) {
            if (inline.size() >= 100_000) {
                inline.clear(); // bounded: more clients than that only parse their keys again
            }
            known = new Inline(registered.jwks(), registered.jwkSet());
            inline.put(client.clientId(), known);
        }
        return known.keys();
    }
}
