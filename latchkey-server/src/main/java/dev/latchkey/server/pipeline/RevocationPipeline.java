package dev.latchkey.server.pipeline;

import dev.latchkey.core.client.ClientCredentials;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.decision.RevocationDecision;
import dev.latchkey.core.decision.RevocationOutcome;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.TokenStore;
import dev.latchkey.core.store.record.Change;
import dev.latchkey.core.store.record.OpaqueAccessTokenRecord;
import dev.latchkey.core.store.record.StoredRefreshToken;
import dev.latchkey.core.token.Introspection;
import dev.latchkey.core.token.JwtVerifier;
import dev.latchkey.core.token.RevocationList;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The path of a revocation (RFC 7009 §2): authenticate the caller, read the token (as an access
 * token first unless the hint says refresh token, §2.1), decide in core ({@link RevocationDecision}),
 * write what it decided, answer. Revocations are rare and each writes at once, so the whole path
 * runs on one store worker: no HTTP thread waits for the database, and a stalled database holds at
 * most the workers, then sheds the rest with 503. Thread-safe.
 */
public final class RevocationPipeline {

    private final Authentication authentication;
    private final JwtVerifier jwts;
    private final TokenStore tokens;
    private final RevocationList revocations;
    private final FamilyRevocations families;
    private final RevocationDecision decision;
    private final Executor workers;
    private final Clock clock;

    RevocationPipeline(Authentication authentication, JwtVerifier jwts, TokenStore tokens, RevocationList revocations,
            FamilyRevocations families, RevocationDecision decision, Executor workers, Clock clock) {
        this.authentication = authentication;
        this.jwts = jwts;
        this.tokens = tokens;
        this.revocations = revocations;
        this.families = families;
        this.decision = decision;
        this.workers = workers;
        this.clock = clock;
    }

    /** Completes once what was decided is durable; unknown tokens complete too (§2.2). */
    public CompletableFuture<Void> revoke(ClientCredentials credentials, String token, String tokenTypeHint) {
        return CompletableFuture.supplyAsync(() -> {
            RegisteredClient caller = authentication.authenticateNow(credentials);
            Instant now = clock.instant();
            carryOut(decide(caller, token, tokenTypeHint, now), caller, now);
            return null;
        }, workers);
    }

    private RevocationOutcome decide(RegisteredClient caller, String token, String hint, Instant now) {
        if (JwtVerifier.looksLikeJwt(token)) {
            return decision.ofJwt(caller, jwts.verify(token, now), now);
        }
        TokenHash hash = TokenHash.of(token);
        // RFC 7009 §2.1: the hint only orders the search.
        boolean refreshFirst = Introspection.REFRESH_TOKEN.equals(hint);
        Optional<RevocationOutcome> first = refreshFirst ? refresh(caller, hash) : access(caller, hash);
        return first.or(() -> refreshFirst ? access(caller, hash) : refresh(caller, hash))
                .orElse(new RevocationOutcome.Nothing());
    }

    private Optional<RevocationOutcome> access(RegisteredClient caller, TokenHash hash) {
        Optional<OpaqueAccessTokenRecord> found = tokens.findAccessToken(hash);
        return found.map(token -> decision.ofAccessToken(caller, token));
    }

    private Optional<RevocationOutcome> refresh(RegisteredClient caller, TokenHash hash) {
        Optional<StoredRefreshToken> found = tokens.findRefreshToken(hash);
        return found.map(token -> decision.ofRefreshToken(caller, token));
    }

    void carryOut(RevocationOutcome outcome, RegisteredClient caller, Instant now) {
        if (outcome instanceof RevocationOutcome.RevokeJwt jwt) {
            tokens.revokeJwt(jwt.jti(), jwt.expiresAt());
            revocations.apply(new Change(0, Change.Kind.JTI_REVOKED, jwt.jti(), jwt.expiresAt()));
        } else if (outcome instanceof RevocationOutcome.RevokeAccessToken access) {
            tokens.revokeAccessToken(access.hash());
        } else if (outcome instanceof RevocationOutcome.RevokeFamily family) {
            families.revoke(family.familyId(), now, caller.clientId(), caller.ownerId(), FamilyRevocations.REVOKED);
        } else if (outcome instanceof RevocationOutcome.Refuse refuse) {
            throw refuse.error().toException();
        } else if (!(outcome instanceof RevocationOutcome.Nothing)) {
            throw new IllegalStateException("no step for " + outcome); // sealed; a test covers each
        }
    }
}
