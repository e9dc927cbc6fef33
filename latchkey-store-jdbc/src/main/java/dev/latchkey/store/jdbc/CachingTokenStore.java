package dev.latchkey.store.jdbc;

import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.store.Cursor;
import dev.latchkey.core.store.Page;
import dev.latchkey.core.store.TokenStore;
import dev.latchkey.core.store.record.FamilySummary;
import dev.latchkey.core.store.record.OpaqueAccessTokenRecord;
import dev.latchkey.core.store.record.RefreshTokenRecord;
import dev.latchkey.core.store.record.Rotation;
import dev.latchkey.core.store.record.StoredRefreshToken;
import dev.latchkey.core.store.record.TokenFamily;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps recently issued opaque access tokens in memory, so that introspecting one needs no
 * database read. For a store that only this process writes (the embedded SQLite file): every
 * change to an access token passes through here, and invalidates.
 *
 * <p>Write-through: a token is remembered when it is saved. Revoking it forgets it; revoking a
 * family forgets everything (families are revoked rarely, and which tokens belong to one is only
 * in the database). Expiry needs nothing: callers compare {@code expiresAt} with their clock, and
 * the purge forgets what it deletes. Bounded: when full it is emptied and refills from new tokens
 * and reads. Refresh tokens are not cached: every use of one writes anyway.
 *
 * <p>Not for PostgreSQL with several nodes: another node's revocation would not reach this cache
 * at once, and revoked opaque tokens must read inactive everywhere at once. Thread-safe.
 */
final class CachingTokenStore implements TokenStore, AsyncTokenStore {

    private static final int MAX_CACHED = 10_000;

    /** What the cache sits in front of: the same store, waited for and not. */
    interface Delegate extends TokenStore, AsyncTokenStore {
    }

    private final Delegate store;
    private final Map<TokenHash, OpaqueAccessTokenRecord> accessTokens = new ConcurrentHashMap<>();
    // A read that misses loads from the database, then caches what it read only if no invalidation
    // happened meanwhile: otherwise it could put back a copy read before a revocation.
    private final Object invalidation = new Object();
    private long generation;

    CachingTokenStore(Delegate store) {
        this.store = store;
    }

    private void remember(OpaqueAccessTokenRecord token) {
        if (token == null) {
            return;
        }
        if (accessTokens.size() >= MAX_CACHED) {
            accessTokens.clear();
        }
        accessTokens.put(token.hash(), token);
    }

    @Override
    public CompletableFuture<Void> saveAccessTokenAsync(OpaqueAccessTokenRecord token) {
        return store.saveAccessTokenAsync(token).thenRun(() -> remember(token));
    }

    @Override
    public void saveAccessToken(OpaqueAccessTokenRecord token) {
        Futures.join(saveAccessTokenAsync(token));
    }

    @Override
    public Optional<OpaqueAccessTokenRecord> findAccessToken(TokenHash hash) {
        return Futures.join(findAccessTokenAsync(hash));
    }

    @Override
    public CompletableFuture<Optional<OpaqueAccessTokenRecord>> findAccessTokenAsync(TokenHash hash) {
        OpaqueAccessTokenRecord cached = accessTokens.get(hash);
        if (cached != null) {
            return CompletableFuture.completedFuture(Optional.of(cached));
        }
        long before;
        synchronized (invalidation) {
            before = generation;
        }
        return store.findAccessTokenAsync(hash).thenApply(found -> {
            found.ifPresent(token -> {
                synchronized (invalidation) {
                    if (generation == before) {
                        remember(token);
                    }
                }
            });
            return found;
        });
    }

    private void invalidate(TokenHash hash) {
        synchronized (invalidation) {
            generation++;
            if (hash == null) {
                accessTokens.clear();
            } else {
                accessTokens.remove(hash);
            }
        }
    }

    @Override
    public CompletableFuture<Void> saveRefreshTokenAsync(TokenFamily family, RefreshTokenRecord token,
            OpaqueAccessTokenRecord accessToken) {
        return store.saveRefreshTokenAsync(family, token, accessToken).thenRun(() -> remember(accessToken));
    }

    @Override
    public void saveRefreshToken(TokenFamily family, RefreshTokenRecord token, OpaqueAccessTokenRecord accessToken) {
        Futures.join(saveRefreshTokenAsync(family, token, accessToken));
    }

    @Override
    public Optional<StoredRefreshToken> findRefreshToken(TokenHash hash) {
        return store.findRefreshToken(hash);
    }

    @Override
    public CompletableFuture<Optional<StoredRefreshToken>> findRefreshTokenAsync(TokenHash hash) {
        return store.findRefreshTokenAsync(hash);
    }

    @Override
    public CompletableFuture<Boolean> rotateAsync(Rotation rotation) {
        return store.rotateAsync(rotation).thenApply(rotated -> {
            if (rotated) {
                remember(rotation.accessToken());
            }
            return rotated;
        });
    }

    @Override
    public boolean rotate(Rotation rotation) {
        return Futures.join(rotateAsync(rotation));
    }

    @Override
    public Optional<Instant> revokeFamily(String familyId, Instant rememberAtLeastUntil) {
        invalidate(null);
        Optional<Instant> revoked = store.revokeFamily(familyId, rememberAtLeastUntil);
        invalidate(null);
        return revoked;
    }

    @Override
    public Optional<Instant> revokeFamily(String familyId, Instant rememberAtLeastUntil, AuditEvent audit) {
        invalidate(null);
        Optional<Instant> revoked = store.revokeFamily(familyId, rememberAtLeastUntil, audit);
        invalidate(null);
        return revoked;
    }

    @Override
    public void revokeClientTokens(String clientId, Instant now, Instant rememberUntil, AuditEvent audit) {
        invalidate(null);
        store.revokeClientTokens(clientId, now, rememberUntil, audit);
        invalidate(null);
    }

    @Override
    public Page<FamilySummary> families(String clientId, Instant now, Cursor after, int limit) {
        return store.families(clientId, now, after, limit);
    }

    @Override
    public boolean revokeAccessToken(TokenHash hash) {
        invalidate(hash);
        boolean revoked = store.revokeAccessToken(hash);
        invalidate(hash);
        return revoked;
    }

    @Override
    public boolean revokeJwt(String jti, Instant expiresAt) {
        return store.revokeJwt(jti, expiresAt);
    }

    @Override
    public int purgeExpired(Instant now, int batchSize) {
        accessTokens.values().removeIf(token -> !token.expiresAt().isAfter(now));
        return store.purgeExpired(now, batchSize);
    }

    /** Forgets everything: after a client is deleted, whose tokens the database revoked. */
    void forgetAll() {
        invalidate(null);
    }

    @Override
    public java.util.Map<String, UserGrant> userGrants(String subject) {
        return store.userGrants(subject);
    }

    @Override
    public CompletableFuture<Boolean> redeemAsync(dev.latchkey.core.store.record.Redemption redemption) {
        return store.redeemAsync(redemption).thenApply(spent -> {
            if (spent) {
                remember(redemption.access());
            }
            return spent;
        });
    }

    @Override
    public boolean redeem(dev.latchkey.core.store.record.Redemption redemption) {
        return Futures.join(redeemAsync(redemption));
    }
}
