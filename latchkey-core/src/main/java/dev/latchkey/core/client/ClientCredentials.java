package dev.latchkey.core.client;

import dev.latchkey.core.secret.ClientSecret;
/**
 * What a request presented to authenticate its client (RFC 6749 §2.3.1), and how.
 * The HTTP layer builds it; {@link ClientAuthenticator} checks it.
 */
public record ClientCredentials(String clientId, ClientSecret secret, AuthMethod method) {
}
