package dev.latchkey.core.client;

import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.token.Secrets;
import java.util.Optional;

/**
 * Authenticates a client at the token, introspection and revocation endpoints (RFC 6749 §2.3.1).
 *
 * <p>The secret is compared as SHA-256 in constant time; an unknown client id is hashed against a
 * dummy so that it takes as long as a wrong secret. A client must use the method it registered
 * (RFC 7591 §2 {@code token_endpoint_auth_method}). Every failure is {@code invalid_client}.
 * Thread-safe.
 */
public final class ClientAuthenticator {

    private static final String DUMMY_HASH = Secrets.hash("latchkey-no-such-client");

    private final ClientDirectory clients;

    public ClientAuthenticator(ClientDirectory clients) {
        this.clients = clients;
    }

    public RegisteredClient authenticate(ClientCredentials credentials) {
        Optional<RegisteredClient> client = clients.find(credentials.clientId());
        String storedHash = client.map(RegisteredClient::secretHash).orElse(DUMMY_HASH);
        boolean secretMatches = Secrets.matchesHash(credentials.secret().value(), storedHash);
        if (client.isEmpty() || !secretMatches) {
            throw OAuthError.INVALID_CLIENT.toException("Client authentication failed");
        }
        AuthMethod registered = client.get().metadata().authMethod();
        if (registered != credentials.method()) {
            throw OAuthError.INVALID_CLIENT.toException("This client must authenticate with " + registered.wireName());
        }
        return client.get();
    }
}
