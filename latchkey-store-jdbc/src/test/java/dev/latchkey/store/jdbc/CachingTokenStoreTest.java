package dev.latchkey.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.Cursor;
import dev.latchkey.core.store.Page;
import dev.latchkey.core.store.record.FamilySummary;
import dev.latchkey.core.store.record.OpaqueAccessTokenRecord;
import dev.latchkey.core.store.record.RefreshTokenRecord;
import dev.latchkey.core.store.record.Rotation;
import dev.latchkey.core.store.record.StoredRefreshToken;
import dev.latchkey.core.store.record.TokenFamily;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The interleaving a real database cannot be made to produce on demand: a read that loaded a
 * token just before it was revoked must not put that stale copy into the cache. (The store
 * contract suite runs the cache against SQLite for everything else.)
 */
class CachingTokenStoreTest {

    /** A store in memory whose reads can be held at a latch. */
    static final class SlowStore implements CachingTokenStore.Delegate {
        @Override
        public java.util.Map<String, UserGrant> userGrants(String subject) {
            return java.util.Map.of();
        }

        @Override
        public boolean redeem(dev.latchkey.core.store.record.Redemption redemption) {
            return false;
        }

        @Override
        public CompletableFuture<Boolean> redeemAsync(dev.latchkey.core.store.record.Redemption redemption) {
            return CompletableFuture.completedFuture(false);
        }

        final Map<TokenHash, OpaqueAccessTokenRecord> rows = new ConcurrentHashMap<>();
        volatile CountDownLatch readStarted = new CountDownLatch(0);
        volatile CountDownLatch releaseRead = new CountDownLatch(0);

        @Override
        public void saveAccessToken(OpaqueAccessTokenRecord token) {
            rows.put(token.hash(), token);
        }

        @Override
        public CompletableFuture<Void> saveAccessTokenAsync(OpaqueAccessTokenRecord token) {
            saveAccessToken(token);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public Optional<OpaqueAccessTokenRecord> findAccessToken(TokenHash hash) {
            OpaqueAccessTokenRecord row = rows.get(hash);
            readStarted.countDown();
            try {
                releaseRead.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Optional.ofNullable(row);
        }

        @Override
        public boolean revokeAccessToken(TokenHash hash) {
            rows.put(hash, revoked(rows.get(hash)));
            return true;
        }

        private static OpaqueAccessTokenRecord revoked(OpaqueAccessTokenRecord row) {
            return new OpaqueAccessTokenRecord(row.hash(), row.clientId(), row.subject(), row.scope(),
                    row.audience(), row.jti(), row.familyId(), row.issuedAt(), row.expiresAt(), true);
        }

        @Override
        public CompletableFuture<Optional<OpaqueAccessTokenRecord>> findAccessTokenAsync(TokenHash hash) {
            return CompletableFuture.completedFuture(findAccessToken(hash)); // reads on the calling thread
        }

        @Override
        public void saveRefreshToken(TokenFamily family, RefreshTokenRecord token, OpaqueAccessTokenRecord access) {
        }

        @Override
        public CompletableFuture<Void> saveRefreshTokenAsync(TokenFamily family, RefreshTokenRecord token,
                OpaqueAccessTokenRecord accessToken) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public Optional<StoredRefreshToken> findRefreshToken(TokenHash hash) {
            return Optional.empty();
        }

        @Override
        public CompletableFuture<Optional<StoredRefreshToken>> findRefreshTokenAsync(TokenHash hash) {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public boolean rotate(Rotation rotation) {
            return false;
        }

        @Override
        public CompletableFuture<Boolean> rotateAsync(Rotation rotation) {
            return CompletableFuture.completedFuture(false);
        }

        public Optional<Instant> revokeFamily(String familyId, Instant rememberAtLeastUntil) {
            return Optional.empty();
        }

        public boolean revokeJwt(String jti, Instant expiresAt) {
            return true;
        }

        public Optional<Instant> revokeFamily(String familyId, Instant rememberAtLeastUntil, AuditEvent audit) {
            return Optional.empty();
        }

        public void revokeClientTokens(String clientId, Instant now, Instant rememberUntil, AuditEvent audit) {
            rows.replaceAll((hash, row) -> row.clientId().equals(clientId) ? revoked(row) : row);
        }

        public Page<FamilySummary> families(String clientId, Instant now, Cursor after, int limit) {
            return new Page<>(List.of(), null);
        }

        public int purgeExpired(Instant now, int batchSize) {
            return 0;
        }
    }

    private static OpaqueAccessTokenRecord token() {
        return new OpaqueAccessTokenRecord(TokenHash.of("t"), "c", "c", Scope.EMPTY, List.of("a"), "j", null,
                Instant.EPOCH, Instant.now().plusSeconds(60), false);
    }

    @Test
    void aReadRacingARevocationDoesNotCacheTheCopyItLoadedBefore() throws Exception {
        readRacingARevocation((cache, hash) -> CompletableFuture.supplyAsync(() -> cache.findAccessToken(hash)));
    }

    @Test
    void anAsynchronousReadRacingARevocationDoesNotCacheTheCopyItLoadedBefore() throws Exception {
        // The slow store's findAccessTokenAsync reads on the calling thread, so that thread is a helper here.
        readRacingARevocation((cache, hash) -> CompletableFuture.supplyAsync(() -> cache.findAccessTokenAsync(hash))
                .thenCompose(lookup -> lookup));
    }

    private void readRacingARevocation(
            BiFunction<CachingTokenStore, TokenHash, CompletableFuture<Optional<OpaqueAccessTokenRecord>>> read)
            throws Exception {
        SlowStore slow = new SlowStore();
        slow.saveAccessToken(token()); // saved behind the cache's back: the cache starts empty
        CachingTokenStore cache = new CachingTokenStore(slow);
        slow.readStarted = new CountDownLatch(1);
        slow.releaseRead = new CountDownLatch(1);

        CompletableFuture<Optional<OpaqueAccessTokenRecord>> racingRead =
                read.apply(cache, token().hash());
        assertThat(slow.readStarted.await(5, TimeUnit.SECONDS)).isTrue();
        cache.revokeAccessToken(token().hash()); // the read has its pre-revocation copy in hand
        slow.releaseRead.countDown();
        assertThat(racingRead.get(5, TimeUnit.SECONDS).orElseThrow().revoked()).isFalse();

        slow.releaseRead = new CountDownLatch(0);
        assertThat(cache.findAccessToken(token().hash()).orElseThrow().revoked())
                .as("the next read sees the revocation, not a cached stale copy").isTrue();
    }

    @Test
    void savedTokensAreServedFromMemoryAndRevocationShowsAtOnce() {
        SlowStore slow = new SlowStore();
        CachingTokenStore cache = new CachingTokenStore(slow);
        cache.saveAccessToken(token());
        slow.rows.clear(); // proves the next read does not reach the store

        assertThat(cache.findAccessToken(token().hash())).isPresent();

        slow.saveAccessToken(token());
        cache.revokeAccessToken(token().hash());
        assertThat(cache.findAccessToken(token().hash()).orElseThrow().revoked()).isTrue();
    }
}
