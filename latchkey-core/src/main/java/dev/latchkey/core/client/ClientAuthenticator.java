package dev.latchkey.core.client;

import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.secret.Secrets;
import java.util.Optional;

/**
 * Client authentication at the token, introspection and revocation endpoints (RFC 6749 §2.3.1), as
 * a decision over values: what the request presented and the client its id names (empty if none).
 *
 * <p>The secret is compared as SHA-256 in constant time; an unknown client id is hashed against a
 * dummy so that it takes as long as a wrong secret. A client must use the method it registered
 * (RFC 7591 §2 {@code token_endpoint_auth_method}). Every failure is {@code invalid_client}.
 */
public final class ClientAuthenticator {

    private static final String DUMMY_HASH = Secrets.hash("latchkey-no-such-client");

    private ClientAuthenticator() {
    }

    /** The authenticated client, or an {@link dev.latchkey.core.error.OAuthException} {@code invalid_client}. */
    public static RegisteredClient authenticate(ClientCredentials credentials, Optional<RegisteredClient> named) {
        String storedHash = named.map(RegisteredClient::secretHash).orElse(DUMMY_HASH);
        boolean secretMatches = Secrets.matchesHash(credentials.secret().value(), storedHash);
        if (named.isEmpty() || !secretMatches) {
            throw OAuthError.INVALID_CLIENT.toException("Client authentication failed");
        }
        AuthMethod registered = named.get().metadata().authMethod();
        if (registered != credentials.method()) {
            throw OAuthError.INVALID_CLIENT.toException("This client must authenticate with " + registered.wireName());
        }
        return named.get();
    }
}
