package dev.latchkey.core.grant;

import dev.latchkey.core.client.ClientAuthenticator;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.key.MasterKey;
import dev.latchkey.core.store.TokenStore;
import dev.latchkey.core.token.AccessTokenMinter;
import dev.latchkey.core.token.IssuedTokens;
import dev.latchkey.core.token.IssuerPolicy;
import dev.latchkey.core.token.Revoker;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The token endpoint's logic, RFC 6749 §3.2: authenticate the client, then hand the grant to its
 * handler. Takes a typed {@link TokenRequest}, answers a {@link GrantResult} or throws an
 * {@link dev.latchkey.core.error.OAuthException}; it never sees HTTP. Thread-safe.
 */
public final class TokenService {

    private final ClientAuthenticator authenticator;
    private final ClientCredentialsHandler clientCredentials;
    private final RefreshTokenHandler refreshTokens;

    public TokenService(ClientAuthenticator authenticator, AccessTokenMinter minter, TokenStore tokens,
            Revoker revoker, MasterKey masterKey, IssuerPolicy policy, Clock clock, Executor storeWaits) {
        Audiences audiences = new Audiences(policy.defaultAudience());
        this.authenticator = authenticator;
        this.clientCredentials = new ClientCredentialsHandler(minter, tokens, audiences, clock);
        this.refreshTokens = new RefreshTokenHandler(minter, tokens, revoker, masterKey, audiences, clock,
                storeWaits);
    }

    /**
     * Answers the request. An {@link dev.latchkey.core.error.OAuthException} for a bad request or
     * client is thrown at once; the future completes when what was issued is durable, and fails
     * with {@link dev.latchkey.core.store.StoreUnavailableException} if the store cannot make it so.
     * Whatever a grant stores (an opaque access token, a refresh token, a rotation) is answered
     * without holding the calling thread while its commit is waited for; whatever the caller
     * chains without an executor then runs on the store's writer thread, so it must be short and
     * must not wait on the store. A JWT without a refresh token completes before this method
     * returns.
     *
     * <p>{@code storeWaits} (constructor) runs the rare continuations that must read or write the
     * store again after a commit, off the writer thread.
     */
    public CompletableFuture<GrantResult> handle(TokenRequest request) {
        RegisteredClient client = authenticator.authenticate(request.credentials());
        return issue(client, request.grant()).thenApply(tokens -> new GrantResult(client, tokens));
    }

    // Java 17 has pattern matching for switch only as a preview; with the sealed interface this
    // chain is exhaustive today and becomes a checked `switch` when the target moves to 21.
    private CompletableFuture<IssuedTokens> issue(RegisteredClient client, GrantRequest grant) {
        if (grant instanceof ClientCredentialsGrant clientCredentialsGrant) {
            return clientCredentials.handle(client, clientCredentialsGrant);
        }
        if (grant instanceof RefreshTokenGrant refreshTokenGrant) {
            return refreshTokens.handle(client, refreshTokenGrant);
        }
        throw new IllegalStateException("unhandled grant " + grant.getClass().getSimpleName());
    }
}
