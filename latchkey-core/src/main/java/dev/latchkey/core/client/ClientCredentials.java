package dev.latchkey.core.client;

import dev.latchkey.core.secret.ClientSecret;
/**
 * What a request presented to authenticate its client (RFC 6749 §2.3.1), and how.
 * The HTTP layer builds it; {@link ClientAuthenticator} checks it.
 */
public record ClientCredentials(String clientId, ClientSecret secret, AuthMethod method, String assertion,
        java.util.List<String> audiences) {

    public ClientCredentials(String clientId, ClientSecret secret, AuthMethod method) {
        this(clientId, secret, method, null, java.util.List.of());
    }

    /** A client assertion (RFC 7523 §2.2) for {@code clientId}, valid when addressed to one of {@code audiences}. */
    public static ClientCredentials assertion(String clientId, String assertion, java.util.List<String> audiences) {
        return new ClientCredentials(clientId, null, AuthMethod.PRIVATE_KEY_JWT, assertion, java.util.List.copyOf(audiences));
    }

    @Override
    public String toString() {
        return "ClientCredentials[" + clientId + ", " + method.wireName() + "]";
    }
}
