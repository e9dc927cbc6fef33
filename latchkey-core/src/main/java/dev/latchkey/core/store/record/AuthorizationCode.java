package dev.latchkey.core.store.record;

import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.TokenHash;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * An authorization code as stored (RFC 6749 §4.1.2): only its SHA-256, bound to the client, the
 * redirect URI and the PKCE challenge it was issued with (RFC 7636 §4.4), the user who authorized
 * it and what they allowed. Single use: {@code redeemedAt} is set by the one redemption that wins,
 * which records {@code familyId}, the family of every token it issued.
 *
 * @param nonce    the OIDC nonce to put in the id_token, or null
 * @param authTime when the user signed in (the id_token's {@code auth_time})
 * @param dpopJkt  the DPoP key the code is bound to (RFC 9449 §10 {@code dpop_jkt}), or null
 */
public record AuthorizationCode(TokenHash hash, String clientId, String accountId, String redirectUri,
        String codeChallenge, Scope scope, List<URI> resources, String nonce, Instant authTime, Instant issuedAt,
        Instant expiresAt, Instant redeemedAt, String familyId, String dpopJkt) {

    /** A code not bound to a DPoP key. */
    public AuthorizationCode(TokenHash hash, String clientId, String accountId, String redirectUri,
            String codeChallenge, Scope scope, List<URI> resources, String nonce, Instant authTime, Instant issuedAt,
            Instant expiresAt, Instant redeemedAt, String familyId) {
        this(hash, clientId, accountId, redirectUri, codeChallenge, scope, resources, nonce, authTime, issuedAt,
                expiresAt, redeemedAt, familyId, null);
    }

    /** RFC 6749 §4.1.2 recommends at most 10 minutes; a browser redirect takes seconds. */
    public static final Duration TTL = Duration.ofSeconds(60);

    public AuthorizationCode {
        resources = List.copyOf(resources);
    }

    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "AuthorizationCode[client=" + clientId + ", account=" + accountId + "]";
    }
}
