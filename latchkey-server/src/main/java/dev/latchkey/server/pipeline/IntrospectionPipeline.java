package dev.latchkey.server.pipeline;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.latchkey.core.client.ClientCredentials;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.decision.IntrospectionDecision;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.StoreUnavailableException;
import dev.latchkey.core.token.Introspection;
import dev.latchkey.core.token.JwtVerifier;
import dev.latchkey.store.jdbc.AsyncTokenStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;

/**
 * The path of an introspection (RFC 7662 §2): authenticate the caller, read what the token needs
 * (nothing for a JWT, whose signature is checked in memory; the stored record of an opaque token,
 * as an access token first unless the hint says refresh token, §2.1), read the token's client,
 * decide in core ({@link IntrospectionDecision}), and hand back the answer.
 *
 * <p>Threads as in {@link TokenPipeline}: the calling thread until a read waits; a PostgreSQL
 * lookup completes, and the rest runs, on its lookup thread; nothing here writes. Thread-safe.
 */
public final class IntrospectionPipeline {

    private final Authentication authentication;
    private final JwtVerifier jwts;
    private final AsyncTokenStore tokens;
    private final IntrospectionDecision decision;
    private final BooleanSupplier revocationsAreCurrent;
    private final Clock clock;

    /**
     * @param revocationsAreCurrent false while this node may have missed revocations (its change
     *                              feed cannot reach the store): JWT introspection then answers
     *                              503 rather than call a revoked token active
     */
    IntrospectionPipeline(Authentication authentication, JwtVerifier jwts, AsyncTokenStore tokens,
            IntrospectionDecision decision, BooleanSupplier revocationsAreCurrent, Clock clock) {
        this.authentication = authentication;
        this.jwts = jwts;
        this.tokens = tokens;
        this.decision = decision;
        this.revocationsAreCurrent = revocationsAreCurrent;
        this.clock = clock;
    }

    /** The answer for {@code token}; anything that is not an active token the caller may see is inactive. */
    public CompletableFuture<Introspection> introspect(ClientCredentials credentials, String token,
            String tokenTypeHint) {
        return authentication.authenticate(credentials).thenCompose(caller -> {
            if (caller.isPublic()) {
                // RFC 7662 §2.1: the caller must be authorized to introspect; a client id alone is no proof.
                throw OAuthError.INVALID_CLIENT.toException("A public client cannot introspect tokens");
            }
            return introspect(caller, token, tokenTypeHint);
        });
    }

    /**
     * An access token presented to this server's own API (the admin API, RFC 6750): what it would
     * introspect to for its own client, so active only while it is unexpired, unrevoked, and its
     * client registered and enabled. Refresh tokens are never bearer tokens.
     */
    public CompletableFuture<Introspection> verifyAccessToken(String token) {
        Instant now = clock.instant();
        if (JwtVerifier.looksLikeJwt(token)) {
            return jwt(token, now, (claims, client) -> client
                    .map(self -> decision.ofJwt(self, claims, client, now)).orElse(Introspection.INACTIVE));
        }
        return tokens.findAccessTokenAsync(TokenHash.of(token)).thenCompose(found -> found.isEmpty()
                ? CompletableFuture.completedFuture(Introspection.INACTIVE)
                : authentication.client(found.get().clientId()).thenApply(owner -> owner
                        .map(self -> decision.ofAccessToken(self, found.get(), owner, now))
                        .orElse(Introspection.INACTIVE)));
    }

    private CompletableFuture<Introspection> introspect(RegisteredClient caller, String token, String hint) {
        Instant now = clock.instant();
        if (JwtVerifier.looksLikeJwt(token)) {
            return jwt(token, now, (claims, client) -> decision.ofJwt(caller, claims, client, now));
        }
        TokenHash hash = TokenHash.of(token);
        // RFC 7662 §2.1: the hint only orders the search.
        if (Introspection.REFRESH_TOKEN.equals(hint)) {
            return refreshToken(caller, hash, now).thenCompose(found -> found.isPresent()
                    ? CompletableFuture.completedFuture(found.get())
                    : accessToken(caller, hash, now).thenApply(access -> access.orElse(Introspection.INACTIVE)));
        }
        return accessToken(caller, hash, now).thenCompose(found -> found.isPresent()
                ? CompletableFuture.completedFuture(found.get())
                : refreshToken(caller, hash, now).thenApply(refresh -> refresh.orElse(Introspection.INACTIVE)));
    }

    /**
     * A JWT verified (signature, issuer), and the client it names read as {@link Authentication}
     * reads; {@code decide} judges the rest. Refused while this node may have missed revocations.
     */
    private CompletableFuture<Introspection> jwt(String token, Instant now,
            BiFunction<JWTClaimsSet, Optional<RegisteredClient>, Introspection> decide) {
        if (!revocationsAreCurrent.getAsBoolean()) {
            return CompletableFuture.failedFuture(
                    new StoreUnavailableException("this node may have missed revocations", null));
        }
        Optional<JWTClaimsSet> claims = jwts.verify(token, now);
        Optional<String> owner = claims.flatMap(IntrospectionDecision::clientOf);
        if (owner.isEmpty()) {
            return CompletableFuture.completedFuture(Introspection.INACTIVE);
        }
        return authentication.client(owner.get()).thenApply(client -> decide.apply(claims.get(), client));
    }

    // Empty means "not an access token", so the search moves on; a found but dead token is INACTIVE.
    private CompletableFuture<Optional<Introspection>> accessToken(RegisteredClient caller, TokenHash hash,
            Instant now) {
        return tokens.findAccessTokenAsync(hash).thenCompose(found -> found.isEmpty()
                ? CompletableFuture.completedFuture(Optional.empty())
                : authentication.client(found.get().clientId()).thenApply(owner ->
                        Optional.of(decision.ofAccessToken(caller, found.get(), owner, now))));
    }

    private CompletableFuture<Optional<Introspection>> refreshToken(RegisteredClient caller, TokenHash hash,
            Instant now) {
        return tokens.findRefreshTokenAsync(hash).thenCompose(found -> found.isEmpty()
                ? CompletableFuture.completedFuture(Optional.empty())
                : authentication.client(found.get().token().clientId()).thenApply(owner ->
                        Optional.of(decision.ofRefreshToken(caller, found.get(), owner, now))));
    }
}
