package dev.latchkey.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.client.ClientLimits;
import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.client.StoredSecret;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.Stores;
import dev.latchkey.core.store.record.Change;
import dev.latchkey.core.store.record.OpaqueAccessTokenRecord;
import dev.latchkey.core.store.record.RefreshTokenRecord;
import dev.latchkey.core.store.record.Rotation;
import dev.latchkey.core.store.record.StoredKey;
import dev.latchkey.core.store.record.TokenFamily;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every store implementation keeps: the in-memory stores, and SQLite and PostgreSQL
 * through {@link JdbcStoreContractTest}, which adds what only the JDBC stores do.
 */
abstract class StoreContractTest implements DashboardStoreContract, UserFlowStoreContract {


    Stores stores;

    abstract Stores open();

    @Override
    public Stores stores() {
        return stores;
    }

    abstract void cleanUp();

    @BeforeEach
    void openStores() {
        stores = open();
    }

    @AfterEach
    void closeStores() {
        stores.close();
        cleanUp();
    }

    static RefreshTokenRecord refresh(String family, Instant expiresAt) {
        return RefreshTokenRecord.active(TokenHash.of(Secrets.random256()), TokenFamily.start(family, "client-1", NOW, null),
                Scope.parse("a b", OAuthError.SERVER_ERROR), List.of(URI.create("https://api.example/")), NOW, expiresAt,
                NOW.plusSeconds(60));
    }

    static OpaqueAccessTokenRecord access(String family, Instant expiresAt) {
        return new OpaqueAccessTokenRecord(TokenHash.of(Secrets.random256()), "client-1", "client-1",
                Scope.parse("a", OAuthError.SERVER_ERROR), List.of("https://api.example/"), Secrets.random128(), family,
                NOW, expiresAt, false);
    }

    static Rotation rotation(RefreshTokenRecord old, RefreshTokenRecord successor, OpaqueAccessTokenRecord access) {
        return new Rotation(old.hash(), NOW, successor, access, null, null);
    }

    /** Starts the token's family with it (and the access token issued with it, if any). */
    void start(RefreshTokenRecord token, OpaqueAccessTokenRecord access) {
        stores.tokens().saveRefreshToken(TokenFamily.start(token.familyId(), token.clientId(), NOW, null), token,
                access);
    }

    RefreshTokenRecord read(RefreshTokenRecord token) {
        return stores.tokens().findRefreshToken(token.hash()).orElseThrow().token();
    }

    @Test
    void opaqueAccessTokenRoundTrips() {
        OpaqueAccessTokenRecord token = access(null, NOW.plusSeconds(60));

        stores.tokens().saveAccessToken(token);

        assertThat(stores.tokens().findAccessToken(token.hash())).contains(token);
        assertThat(stores.tokens().findAccessToken(TokenHash.of("other"))).isEmpty();
    }

    @Test
    void anExchangedTokenKeepsItsBindingAndItsActorsInOrder() {
        OpaqueAccessTokenRecord plain = access(null, NOW.plusSeconds(60));
        java.util.Map<String, Object> act = new java.util.LinkedHashMap<>();
        act.put("sub", "batch");
        act.put("client_id", "batch");
        act.put("act", java.util.Map.of("sub", "gateway"));
        OpaqueAccessTokenRecord exchanged = new OpaqueAccessTokenRecord(plain.hash(), plain.clientId(), "user-1",
                plain.scope(), plain.audience(), plain.jti(), null, NOW, plain.expiresAt(), false,
                dev.latchkey.core.secret.Confirmation.dpop("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"), act);

        stores.tokens().saveAccessToken(exchanged);

        OpaqueAccessTokenRecord read = stores.tokens().findAccessToken(exchanged.hash()).orElseThrow();
        assertThat(read).isEqualTo(exchanged);
        assertThat(read.act()).containsExactly(java.util.Map.entry("sub", "batch"), java.util.Map.entry("client_id", "batch"),
                java.util.Map.entry("act", java.util.Map.of("sub", "gateway")));
    }

    @Test
    void refreshTokenRoundTripsWithItsAccessToken() {
        RefreshTokenRecord token = refresh("family-1", NOW.plusSeconds(60));
        OpaqueAccessTokenRecord access = access("family-1", NOW.plusSeconds(60));

        start(token, access);

        RefreshTokenRecord found = read(token);
        assertThat(found.familyId()).isEqualTo("family-1");
        assertThat(found.scope()).isEqualTo(token.scope());
        assertThat(found.resources()).isEqualTo(token.resources());
        assertThat(found.state()).isEqualTo(RefreshTokenRecord.State.ACTIVE);
        assertThat(found.expiresAt()).isEqualTo(token.expiresAt());
        assertThat(stores.tokens().findAccessToken(access.hash())).contains(access);
    }

    @Test
    void rotationIsACompareAndSetThatSucceedsOnce() {
        RefreshTokenRecord old = refresh("family-2", NOW.plusSeconds(60));
        start(old, null);
        RefreshTokenRecord first = refresh("family-2", NOW.plusSeconds(60));
        RefreshTokenRecord second = refresh("family-2", NOW.plusSeconds(60));

        assertThat(stores.tokens().rotate(rotation(old, first, access("family-2", NOW.plusSeconds(60))))).isTrue();
        assertThat(stores.tokens().rotate(rotation(old, second, null))).isFalse();

        RefreshTokenRecord rotated = read(old);
        assertThat(rotated.state()).isEqualTo(RefreshTokenRecord.State.ROTATED);
        assertThat(rotated.successorHash()).isEqualTo(first.hash());
        assertThat(stores.tokens().findRefreshToken(first.hash())).isPresent();
        assertThat(stores.tokens().findRefreshToken(second.hash())).as("the loser wrote nothing").isEmpty();
    }

    @Test
    void expiredRefreshTokenDoesNotRotate() {
        RefreshTokenRecord old = refresh("family-3", NOW);
        start(old, null);

        assertThat(stores.tokens().rotate(rotation(old, refresh("family-3", NOW.plusSeconds(60)), null))).isFalse();
    }

    @Test
    void ofManyConcurrentRotationsOfOneTokenExactlyOneWins() throws Exception {
        RefreshTokenRecord old = refresh("family-4", NOW.plusSeconds(60));
        start(old, null);
        int threads = 32;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            results.add(pool.submit(() -> {
                start.await();
                return stores.tokens().rotate(rotation(old, refresh("family-4", NOW.plusSeconds(60)),
                        access("family-4", NOW.plusSeconds(60))));
            }));
        }
        start.countDown();
        int wins = 0;
        for (Future<Boolean> result : results) {
            wins += result.get() ? 1 : 0;
        }
        pool.shutdown();

        assertThat(wins).isEqualTo(1);
    }

    @Test
    void sealedSuccessorIsKeptWithTheRotatedToken() {
        RefreshTokenRecord old = refresh("family-5", NOW.plusSeconds(60));
        start(old, null);
        byte[] sealed = {1, 2, 3, 4};

        stores.tokens().rotate(new Rotation(old.hash(), NOW, refresh("family-5", NOW.plusSeconds(60)), null,
                sealed, NOW.plusSeconds(10)));

        RefreshTokenRecord rotated = read(old);
        assertThat(rotated.sealedSuccessor()).containsExactly(sealed);
        assertThat(rotated.graceUntil()).isEqualTo(NOW.plusSeconds(10));
        assertThat(rotated.rotatedAt()).isEqualTo(NOW);
    }

    @Test
    void revokingAFamilyRevokesItsRefreshAndAccessTokensAndTellsOtherNodes() {
        RefreshTokenRecord first = refresh("family-6", NOW.plusSeconds(60));
        OpaqueAccessTokenRecord access = access("family-6", NOW.plusSeconds(60));
        OpaqueAccessTokenRecord otherFamily = access("family-other", NOW.plusSeconds(60));
        start(first, access);
        stores.tokens().saveAccessToken(otherFamily);
        long before = stores.changes().latestSeq();

        stores.tokens().revokeFamily("family-6", NOW.plusSeconds(3600));

        assertThat(read(first).state())
                .isEqualTo(RefreshTokenRecord.State.REVOKED);
        assertThat(stores.tokens().findAccessToken(access.hash()).orElseThrow().revoked()).isTrue();
        assertThat(stores.tokens().findAccessToken(otherFamily.hash()).orElseThrow().revoked()).isFalse();
        assertThat(stores.changes().since(before, 10)).singleElement().satisfies(change -> {
            assertThat(change.kind()).isEqualTo(Change.Kind.FAMILY_REVOKED);
            assertThat(change.ref()).isEqualTo("family-6");
        });
        assertThat(stores.tokens().rotate(rotation(first, refresh("family-6", NOW.plusSeconds(60)), null))).isFalse();
    }

    @Test
    void revokedJwtsAreActiveRevocationsUntilTheyExpire() {
        stores.tokens().revokeJwt("jti-live", NOW.plusSeconds(60));
        stores.tokens().revokeJwt("jti-dead", NOW.minusSeconds(1));

        assertThat(stores.changes().activeRevocations(NOW)).extracting(Change::ref).contains("jti-live")
                .doesNotContain("jti-dead");
    }

    @Test
    void changesAreReadInOrderFromAPosition() {
        long start = stores.changes().latestSeq();
        stores.tokens().revokeJwt("one", NOW.plusSeconds(60));
        stores.tokens().revokeJwt("two", NOW.plusSeconds(60));
        stores.tokens().revokeJwt("three", NOW.plusSeconds(60));

        List<Change> all = stores.changes().since(start, 10);
        assertThat(all).extracting(Change::ref).containsExactly("one", "two", "three");
        assertThat(stores.changes().since(all.get(0).seq(), 1)).extracting(Change::ref).containsExactly("two");
        assertThat(stores.changes().latestSeq()).isEqualTo(all.get(2).seq());
    }

    @Test
    void purgeDeletesExpiredTokensAndDropsSealedSuccessorsAfterTheirWindow() {
        OpaqueAccessTokenRecord expired = access(null, NOW.minusSeconds(1));
        OpaqueAccessTokenRecord live = access(null, NOW.plusSeconds(60));
        RefreshTokenRecord expiredRefresh = refresh("family-7", NOW.minusSeconds(1));
        RefreshTokenRecord rotated = refresh("family-8", NOW.plusSeconds(60));
        stores.tokens().saveAccessToken(expired);
        stores.tokens().saveAccessToken(live);
        start(expiredRefresh, null);
        start(rotated, null);
        stores.tokens().rotate(new Rotation(rotated.hash(), NOW, refresh("family-8", NOW.plusSeconds(60)), null,
                new byte[] {9}, NOW.plusSeconds(5)));

        int touched = stores.tokens().purgeExpired(NOW.plusSeconds(5), 100);

        assertThat(touched).isGreaterThanOrEqualTo(3);
        assertThat(stores.tokens().findAccessToken(expired.hash())).isEmpty();
        assertThat(stores.tokens().findAccessToken(live.hash())).isPresent();
        assertThat(stores.tokens().findRefreshToken(expiredRefresh.hash())).isEmpty();
        assertThat(read(rotated).sealedSuccessor()).isNull();
    }

    @Test
    void revokingAFamilyAgainWritesNothing() {
        RefreshTokenRecord token = refresh("family-twice", NOW.plusSeconds(60));
        start(token, null);

        assertThat(stores.tokens().revokeFamily("family-twice", NOW)).isPresent();
        long after = stores.changes().latestSeq();

        assertThat(stores.tokens().revokeFamily("family-twice", NOW)).isEmpty();
        assertThat(stores.changes().latestSeq()).isEqualTo(after);
    }

    @Test
    void aRevokedFamilyIsRememberedUntilTheLastAccessTokenItIssuedExpires() {
        RefreshTokenRecord first = refresh("family-long", NOW.plusSeconds(600));
        start(first, null);
        Instant longLivedJwt = NOW.plus(Duration.ofDays(1));
        RefreshTokenRecord second = RefreshTokenRecord.active(TokenHash.of(Secrets.random256()),
                TokenFamily.start("family-long", "client-1", NOW, null), Scope.EMPTY, List.of(), NOW,
                NOW.plusSeconds(600), longLivedJwt);
        stores.tokens().rotate(new Rotation(first.hash(), NOW, second, null, null, null));

        // However short the floor the caller asks for (the lifetime limit may have been lowered since).
        assertThat(stores.tokens().revokeFamily("family-long", NOW.plusSeconds(60))).contains(longLivedJwt);
        assertThat(stores.changes().activeRevocations(NOW.plus(Duration.ofHours(23))))
                .extracting(Change::ref).contains("family-long");
    }

    @Test
    void aRotationInARevokedFamilyWritesNothing() {
        RefreshTokenRecord token = refresh("family-dead", NOW.plusSeconds(60));
        start(token, null);
        stores.tokens().revokeFamily("family-dead", NOW);
        RefreshTokenRecord successor = refresh("family-dead", NOW.plusSeconds(60));

        assertThat(stores.tokens().rotate(rotation(token, successor, access("family-dead", NOW.plusSeconds(60)))))
                .isFalse();
        assertThat(stores.tokens().findRefreshToken(successor.hash())).isEmpty();
        assertThat(stores.tokens().findRefreshToken(token.hash()).orElseThrow().family().revoked()).isTrue();
    }

    @Test
    void revokingAJwtAgainWritesNothing() {
        assertThat(stores.tokens().revokeJwt("jti-twice", NOW.plusSeconds(60))).isTrue();
        long after = stores.changes().latestSeq();

        assertThat(stores.tokens().revokeJwt("jti-twice", NOW.plusSeconds(60))).isFalse();
        assertThat(stores.changes().latestSeq()).isEqualTo(after);
    }

    /**
     * Issue 12, item 1 at the store: a rotation racing a revocation of its family either loses or
     * has its successor revoked with the rest; after both, no token of the family is active.
     */
    @Test
    void aRotationRacingAFamilyRevocationLeavesNoActiveToken() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<String> survivors = new ArrayList<>();
        try {
            for (int round = 0; round < 25; round++) {
                List<Future<RefreshTokenRecord>> races = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    String family = "race-" + round + "-" + i;
                    RefreshTokenRecord token = refresh(family, NOW.plusSeconds(60));
                    start(token, null);
                    RefreshTokenRecord successor = refresh(family, NOW.plusSeconds(60));
                    CountDownLatch go = new CountDownLatch(1);
                    Future<Boolean> rotated = pool.submit(() -> {
                        go.await();
                        return stores.tokens().rotate(rotation(token, successor, access(family, NOW.plusSeconds(60))));
                    });
                    Future<?> revoked = pool.submit(() -> {
                        go.await();
                        return stores.tokens().revokeFamily(family, NOW);
                    });
                    go.countDown();
                    races.add(pool.submit(() -> {
                        rotated.get();
                        revoked.get();
                        return successor;
                    }));
                }
                for (Future<RefreshTokenRecord> race : races) {
                    RefreshTokenRecord successor = race.get();
                    stores.tokens().findRefreshToken(successor.hash())
                            .filter(found -> found.isUsable(NOW))
                            .ifPresent(found -> survivors.add(found.token().familyId()));
                }
            }
        } finally {
            pool.shutdown();
        }
        assertThat(survivors).isEmpty();
    }

    @Test
    void aFamilyIsPurgedWithItsLastRefreshToken() {
        RefreshTokenRecord old = refresh("family-purged", NOW.minusSeconds(10));
        RefreshTokenRecord live = refresh("family-kept", NOW.plusSeconds(60));
        start(old, null);
        start(live, null);
        stores.tokens().rotate(rotation(live, refresh("family-kept", NOW.plusSeconds(60)), null));

        stores.tokens().purgeExpired(NOW, 100);

        assertThat(stores.tokens().revokeFamily("family-purged", NOW)).as("gone with its token").isEmpty();
        assertThat(stores.tokens().revokeFamily("family-kept", NOW)).isPresent();
    }

    @Test
    void purgeWorksInBatches() {
        for (int i = 0; i < 25; i++) {
            stores.tokens().saveAccessToken(access(null, NOW.minusSeconds(1)));
        }

        assertThat(stores.tokens().purgeExpired(NOW, 10)).isEqualTo(10);
        assertThat(stores.tokens().purgeExpired(NOW, 10)).isEqualTo(10);
        assertThat(stores.tokens().purgeExpired(NOW, 10)).isEqualTo(5);
    }

    @Test
    void clientLifecycleWithChangesAndTokenRevocationOnDelete() {
        ClientMetadata metadata = ClientMetadata.parse(Map.of("scope", "read", "grant_types",
                List.of("client_credentials", "refresh_token"), "access_token_ttl", 60), ClientLimits.defaults());
        RegisteredClient client = RegisteredClient.registered("client-1",
                new StoredSecret("sec-1", "default", Secrets.hash("secret"), NOW, null, null), Secrets.hash("reg"),
                metadata, NOW, null);
        stores.clients().insert(client, null);
        assertThat(stores.clients().find("client-1")).contains(client);

        long before = stores.changes().latestSeq();
        ClientMetadata narrower = ClientMetadata.parse(Map.of("scope", "read"), ClientLimits.defaults());
        assertThat(stores.clients().update(client.withMetadata(narrower), NOW, null)).isTrue();
        assertThat(stores.clients().find("client-1").orElseThrow().metadata()).isEqualTo(narrower);

        RefreshTokenRecord refresh = refresh("family-9", NOW.plusSeconds(60));
        OpaqueAccessTokenRecord access = access(null, NOW.plusSeconds(60));
        start(refresh, null);
        stores.tokens().saveAccessToken(access);
        assertThat(stores.clients().delete("client-1", NOW, null)).isTrue();
        assertThat(stores.tokens().rotate(rotation(refresh, refresh("family-9", NOW.plusSeconds(60)), null)))
                .as("the deleted client's families are revoked").isFalse();

        assertThat(stores.clients().find("client-1")).isEmpty();
        assertThat(read(refresh).state())
                .isEqualTo(RefreshTokenRecord.State.REVOKED);
        assertThat(stores.tokens().findAccessToken(access.hash()).orElseThrow().revoked()).isTrue();
        assertThat(stores.changes().since(before, 10)).extracting(Change::kind)
                .containsExactly(Change.Kind.CLIENT_CHANGED, Change.Kind.CLIENT_CHANGED);
        assertThat(stores.clients().update(client, NOW, null)).isFalse();
    }

    @Test
    void keysAreStoredInActivationOrderAndAnnounced() {
        long before = stores.changes().latestSeq();
        StoredKey later = new StoredKey("kid-2", "EdDSA", "{}", new byte[] {2}, NOW, NOW.plus(Duration.ofHours(1)));
        StoredKey first = new StoredKey("kid-1", "EdDSA", "{}", new byte[] {1}, NOW, NOW);

        stores.keys().insert(later, NOW);
        stores.keys().insert(first, NOW);

        assertThat(stores.keys().all()).extracting(StoredKey::kid).containsExactly("kid-1", "kid-2");
        assertThat(stores.keys().all().get(1).sealedPrivateJwk()).containsExactly(2);
        assertThat(stores.changes().since(before, 10)).extracting(Change::kind)
                .containsOnly(Change.Kind.KEYS_CHANGED).hasSize(2);
    }

    @Test
    void aFailingWriteDoesNotTakeTheWritesCommittedWithItDown() throws Exception {
        OpaqueAccessTokenRecord existing = access(null, NOW.plusSeconds(60));
        stores.tokens().saveAccessToken(existing);
        int writers = 24;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch start = new CountDownLatch(1);
        List<OpaqueAccessTokenRecord> fresh = new ArrayList<>();
        List<Future<?>> results = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            // Every fourth write repeats a stored primary key and must fail alone.
            OpaqueAccessTokenRecord token = i % 4 == 0 ? existing : access(null, NOW.plusSeconds(60));
            if (token != existing) {
                fresh.add(token);
            }
            results.add(pool.submit(() -> {
                start.await();
                stores.tokens().saveAccessToken(token);
                return null;
            }));
        }
        start.countDown();
        int failed = 0;
        for (Future<?> result : results) {
            try {
                result.get();
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(dev.latchkey.core.store.StoreUnavailableException.class);
                failed++;
            }
        }
        pool.shutdown();

        assertThat(failed).isEqualTo(writers / 4);
        assertThat(fresh).allSatisfy(token -> assertThat(stores.tokens().findAccessToken(token.hash())).contains(token));
    }

    @Test
    void concurrentLookupsEachGetTheirOwnTokenAndSeeRevocationsAtOnce() throws Exception {
        // On PostgreSQL concurrent lookups share queries (BatchedLookup): every caller must still
        // get its own row, nothing for an unknown hash, and the state committed before it asked.
        List<OpaqueAccessTokenRecord> stored = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            OpaqueAccessTokenRecord token = access(null, NOW.plusSeconds(60));
            stores.tokens().saveAccessToken(token);
            stored.add(token);
        }
        OpaqueAccessTokenRecord revoked = stored.get(0);
        assertThat(stores.tokens().revokeAccessToken(revoked.hash())).isTrue();
        int callers = 64;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> results = new ArrayList<>();
        for (int i = 0; i < callers * 10; i++) {
            int n = i;
            results.add(pool.submit(() -> {
                start.await();
                if (n % 5 == 4) {
                    assertThat(stores.tokens().findAccessToken(TokenHash.of("absent-" + n))).isEmpty();
                } else {
                    // Several callers ask for the same token at once: duplicates in one batch.
                    OpaqueAccessTokenRecord token = stored.get(n % stored.size());
                    OpaqueAccessTokenRecord found = stores.tokens().findAccessToken(token.hash()).orElseThrow();
                    assertThat(found.hash()).isEqualTo(token.hash());
                    assertThat(found.jti()).isEqualTo(token.jti());
                    assertThat(found.revoked()).isEqualTo(token == revoked);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> result : results) {
            result.get();
        }
        pool.shutdown();
    }

    @Test
    void storeReportsItselfAvailable() {
        assertThat(stores.isAvailable()).isTrue();
    }
}
