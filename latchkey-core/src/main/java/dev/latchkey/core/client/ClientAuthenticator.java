package dev.latchkey.core.client;

import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.secret.Secrets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Client authentication at the token, introspection and revocation endpoints (RFC 6749 §2.3.1), as
 * a decision over values: what the request presented, the client its id names (empty if none) and
 * the time.
 *
 * <p>The presented secret is hashed once (SHA-256) and compared in constant time with every live
 * secret of the client (up to {@link RegisteredClient#MAX_LIVE_SECRETS}: a rotation's overlap), all
 * of them whatever matches, so the time taken tells nothing. An unknown client id is compared with a
 * dummy the same way. A public client ({@link AuthMethod#NONE}) presents no secret and is only
 * named. A client must use the method it registered (RFC 7591 §2
 * {@code token_endpoint_auth_method}) and must not be disabled. Every failure is {@code invalid_client}.
 */
public final class ClientAuthenticator {

    /** Who authenticated, and with which of its secrets (for its last use). */
    public record Authenticated(RegisteredClient client, String secretId) {
    }

    private static final byte[] DUMMY = Secrets.sha256("latchkey-no-such-client");
    private static final Base64.Decoder B64 = Base64.getUrlDecoder();

    private ClientAuthenticator() {
    }

    /** The authenticated client, or an {@link dev.latchkey.core.error.OAuthException} {@code invalid_client}. */
    public static Authenticated authenticate(ClientCredentials credentials, Optional<RegisteredClient> named,
            Instant now) {
        if (credentials.method() == AuthMethod.NONE) {
            // RFC 6749 §2.3: a public client only names itself; what it may do without a secret
            // (redeem a code with its PKCE verifier, rotate its refresh tokens) the grant checks.
            if (named.isEmpty() || named.get().disabled() || !named.get().isPublic()) {
                throw OAuthError.INVALID_CLIENT.toException("Client authentication failed");
            }
            return new Authenticated(named.get(), null);
        }
        byte[] presented = Secrets.sha256(credentials.secret().value());
        List<StoredSecret> secrets = named.map(client -> client.liveSecrets(now)).orElse(List.of());
        String matched = null;
        for (StoredSecret secret : secrets) {
            if (MessageDigest.isEqual(presented, B64.decode(secret.hash())) && matched == null) {
                matched = secret.secretId();
            }
        }
        if (secrets.isEmpty()) {
            MessageDigest.isEqual(presented, DUMMY);
        }
        if (named.isEmpty() || matched == null || named.get().disabled()) {
            throw OAuthError.INVALID_CLIENT.toException("Client authentication failed");
        }
        AuthMethod registered = named.get().metadata().authMethod();
        if (registered != credentials.method()) {
            throw OAuthError.INVALID_CLIENT.toException("This client must authenticate with " + registered.wireName());
        }
        return new Authenticated(named.get(), matched);
    }
}
