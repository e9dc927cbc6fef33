package dev.latchkey.core.token;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.latchkey.core.client.ClientDirectory;
import dev.latchkey.core.client.GrantType;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.store.Futures;
import dev.latchkey.core.store.OpaqueAccessTokenRecord;
import dev.latchkey.core.store.RefreshTokenRecord;
import dev.latchkey.core.store.StoredRefreshToken;
import dev.latchkey.core.store.StoreUnavailableException;
import dev.latchkey.core.store.TokenStore;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * Token introspection, RFC 7662. A JWT is checked without the database: signature, issuer, expiry,
 * the in-memory {@link RevocationList} and the client's existence. An opaque token is looked up by
 * its hash, as an access token first unless the hint says refresh token (§2.1: the hint only
 * orders the search). Anything else, including garbage, is {@code {"active":false}}.
 *
 * <p>Who may learn what (RFC 7662 §4: the server should check that the protected resource may know
 * about the token): a client introspects its own tokens, and access tokens whose audience includes
 * one of its {@code introspection_audiences}; a refresh token only its own client. Any other token
 * is answered {@code {"active":false}}, exactly as an unknown one, so nothing leaks.
 *
 * <p>{@link #introspectAsync} does not hold the caller while a store that answers on its own
 * threads (PostgreSQL's batched lookups) looks an access token up; the answer is then completed
 * on that store thread. A miss goes on to the refresh tokens on {@code storeWaits}, off the
 * store's threads. Thread-safe.
 */
public final class Introspector {

    public static final String ACCESS_TOKEN_TYPE = "Bearer";
    public static final String REFRESH_TOKEN_TYPE = "refresh_token";

    private final JwtVerifier jwts;
    private final TokenStore tokens;
    private final ClientDirectory clients;
    private final RevocationList revocations;
    private final BooleanSupplier revocationsAreCurrent;
    private final Clock clock;
    private final Executor storeWaits;

    /**
     * @param revocationsAreCurrent false while this node may have missed revocations (its change
     *                              feed cannot reach the store): JWT introspection then answers
     *                              503 rather than call a revoked token active
     * @param storeWaits            where a lookup that must read the store again continues after
     *                              an asynchronous lookup missed
     */
    public Introspector(JwtVerifier jwts, TokenStore tokens, ClientDirectory clients, RevocationList revocations,
            BooleanSupplier revocationsAreCurrent, Clock clock, Executor storeWaits) {
        this.jwts = jwts;
        this.tokens = tokens;
        this.clients = clients;
        this.revocations = revocations;
        this.revocationsAreCurrent = revocationsAreCurrent;
        this.clock = clock;
        this.storeWaits = storeWaits;
    }

    /** {@link #introspectAsync}, waited for. */
    public Introspection introspect(RegisteredClient caller, String token, String tokenTypeHint) {
        return Futures.join(introspectAsync(caller, token, tokenTypeHint));
    }

    /** The answer for {@code caller}: inactive for a token it may not learn about. */
    public CompletableFuture<Introspection> introspectAsync(RegisteredClient caller, String token,
            String tokenTypeHint) {
        return introspectAsync(token, tokenTypeHint).thenApply(answer -> visibleTo(caller, answer));
    }

    static Introspection visibleTo(RegisteredClient caller, Introspection answer) {
        if (!answer.active() || caller.clientId().equals(answer.clientId())) {
            return answer;
        }
        boolean forItsAudience = REFRESH_TOKEN_TYPE.equals(answer.tokenType()) ? false
                : answer.audience().stream().anyMatch(caller.metadata().introspectionAudiences()::contains);
        return forItsAudience ? answer : Introspection.INACTIVE;
    }

    /**
     * The answer for {@code token}; already complete unless an access token lookup went to the
     * store's own threads. Fails with {@link StoreUnavailableException} when the store cannot answer.
     */
    private CompletableFuture<Introspection> introspectAsync(String token, String tokenTypeHint) {
        Instant now = clock.instant();
        if (JwtVerifier.looksLikeJwt(token)) {
            if (!revocationsAreCurrent.getAsBoolean()) {
                return CompletableFuture.failedFuture(
                        new StoreUnavailableException("this node may have missed revocations", null));
            }
            return CompletableFuture.completedFuture(
                    jwts.verify(token, now).map(claims -> ofJwt(claims, now)).orElse(Introspection.INACTIVE));
        }
        TokenHash hash = TokenHash.of(token);
        if (REFRESH_TOKEN_TYPE.equals(tokenTypeHint)) {
            return CompletableFuture.supplyAsync(
                    () -> refresh(hash, now).or(() -> access(hash, now)).orElse(Introspection.INACTIVE), Runnable::run);
        }
        CompletableFuture<Optional<OpaqueAccessTokenRecord>> lookup = tokens.findAccessTokenAsync(hash);
        if (lookup.isDone() && !lookup.isCompletedExceptionally()) {
            // Answered on this thread (the embedded store, or its cache): go on here.
            return CompletableFuture.supplyAsync(() -> accessOrRefresh(lookup.join(), hash, now), Runnable::run);
        }
        return lookup.thenCompose(found -> found.isPresent()
                ? CompletableFuture.completedFuture(ofAccess(found.get(), now))
                : CompletableFuture.supplyAsync(() -> accessOrRefresh(found, hash, now), storeWaits));
    }

    private Introspection accessOrRefresh(Optional<OpaqueAccessTokenRecord> access, TokenHash hash, Instant now) {
        return access.map(token -> ofAccess(token, now))
                .or(() -> refresh(hash, now))
                .orElse(Introspection.INACTIVE);
    }

    private Introspection ofJwt(JWTClaimsSet claims, Instant now) {
        try {
            String clientId = claims.getStringClaim("client_id");
            boolean active = claims.getExpirationTime().toInstant().isAfter(now)
                    && !revocations.isRevoked(claims.getJWTID())
                    && clientId != null && clients.find(clientId).isPresent();
            if (!active) {
                return Introspection.INACTIVE;
            }
            return new Introspection(true, claims.getStringClaim("scope"), clientId, claims.getSubject(),
                    claims.getExpirationTime().toInstant(), claims.getIssueTime().toInstant(), ACCESS_TOKEN_TYPE,
                    claims.getAudience(), claims.getIssuer(), claims.getJWTID());
        } catch (ParseException | NullPointerException e) {
            return Introspection.INACTIVE;
        }
    }

    // Empty means "not an access token", so the search moves on; a found but dead token is INACTIVE.
    private Optional<Introspection> access(TokenHash hash, Instant now) {
        return tokens.findAccessToken(hash).map(token -> ofAccess(token, now));
    }

    private Introspection ofAccess(OpaqueAccessTokenRecord token, Instant now) {
        if (token.revoked() || !token.expiresAt().isAfter(now) || clients.find(token.clientId()).isEmpty()
                || token.familyId() != null && revocations.isFamilyRevoked(token.familyId())) {
            return Introspection.INACTIVE;
        }
        return new Introspection(true, nullIfEmpty(token.scope().toString()), token.clientId(),
                token.subject(), token.expiresAt(), token.issuedAt(), ACCESS_TOKEN_TYPE, token.audience(), null,
                token.jti());
    }

    private Optional<Introspection> refresh(TokenHash hash, Instant now) {
        Optional<StoredRefreshToken> found = tokens.findRefreshToken(hash);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        RefreshTokenRecord token = found.get().token();
        // A refresh token is active only while it could be used: its family not revoked, and its
        // client still registered for the refresh_token grant.
        if (!found.get().isUsable(now) || clients.find(token.clientId())
                .map(client -> !client.metadata().allows(GrantType.REFRESH_TOKEN)).orElse(true)) {
            return Optional.of(Introspection.INACTIVE);
        }
        return Optional.of(new Introspection(true, nullIfEmpty(token.scope().toString()), token.clientId(),
                token.clientId(), token.expiresAt(), token.issuedAt(), REFRESH_TOKEN_TYPE, List.of(), null, null));
    }

    private static String nullIfEmpty(String value) {
        return value.isEmpty() ? null : value;
    }
}
