package dev.latchkey.core.grant;

import dev.latchkey.core.client.GrantType;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.store.RefreshTokenRecord;
import dev.latchkey.core.store.TokenFamily;
import dev.latchkey.core.store.TokenStore;
import dev.latchkey.core.token.AccessTokenMinter;
import dev.latchkey.core.token.IssuedTokens;
import dev.latchkey.core.token.MintedAccessToken;
import dev.latchkey.core.token.RefreshToken;
import dev.latchkey.core.token.Secrets;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The client credentials grant, RFC 6749 §4.4.
 *
 * <p>The requested scope must be a subset of the client's registered scope; none requested means
 * all of it (§3.3 lets the server pick a default). A client registered with {@code refresh_token}
 * also gets a refresh token, which starts a new family: §4.4.3 advises against it, but several of
 * the APIs whose token shapes Latchkey serves do it, and rotation makes it safe. Thread-safe.
 */
final class ClientCredentialsHandler {

    private final AccessTokenMinter minter;
    private final TokenStore tokens;
    private final Audiences audiences;
    private final Clock clock;

    ClientCredentialsHandler(AccessTokenMinter minter, TokenStore tokens, Audiences audiences, Clock clock) {
        this.minter = minter;
        this.tokens = tokens;
        this.audiences = audiences;
        this.clock = clock;
    }

    /**
     * Validation failures are thrown at once. The answer completes when the tokens are durable:
     * at once for a JWT without a refresh token (nothing is stored), otherwise after the commit of
     * what was stored, without holding the calling thread.
     */
    CompletableFuture<IssuedTokens> handle(RegisteredClient client, ClientCredentialsGrant grant) {
        if (!client.metadata().allows(GrantType.CLIENT_CREDENTIALS)) {
            throw OAuthError.UNAUTHORIZED_CLIENT.toException("client_credentials is not registered for this client");
        }
        Scope allowed = client.metadata().scope();
        Scope scope = grant.scope().orElse(allowed);
        if (!allowed.containsAll(scope)) {
            throw OAuthError.INVALID_SCOPE.toException("scope exceeds what is registered for this client");
        }
        List<URI> resources = audiences.check(client, grant.resources(), client.metadata().resources());
        List<String> audience = audiences.audience(resources);
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);

        if (!client.metadata().allows(GrantType.REFRESH_TOKEN)) {
            MintedAccessToken access = minter.mint(client, scope, audience, null, now);
            IssuedTokens issued =
                    new IssuedTokens(access.token(), access.format(), now, access.expiresAt(), scope, Optional.empty());
            if (access.record() == null) {
                return CompletableFuture.completedFuture(issued);
            }
            return tokens.saveAccessTokenAsync(access.record()).thenApply(saved -> issued);
        }
        String familyId = Secrets.random128();
        MintedAccessToken access = minter.mint(client, scope, audience, familyId, now);
        RefreshToken refresh = RefreshToken.generate();
        IssuedTokens issued =
                new IssuedTokens(access.token(), access.format(), now, access.expiresAt(), scope, Optional.of(refresh));
        Duration absolute = client.metadata().refreshTokenAbsoluteTtl();
        TokenFamily family = TokenFamily.start(familyId, client.clientId(), now,
                absolute.isZero() ? null : now.plus(absolute), access.expiresAt());
        return tokens.saveRefreshTokenAsync(family, RefreshTokenRecord.active(refresh.hash(), familyId,
                client.clientId(), scope, resources, now,
                family.capExpiry(now.plus(client.metadata().refreshTokenTtl()))),
                access.record()).thenApply(saved -> issued);
    }
}
