package dev.latchkey.store.jdbc;

import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.TokenStore;
import dev.latchkey.core.store.record.OpaqueAccessTokenRecord;
import dev.latchkey.core.store.record.RefreshTokenRecord;
import dev.latchkey.core.store.record.Rotation;
import dev.latchkey.core.store.record.StoredRefreshToken;
import dev.latchkey.core.store.record.TokenFamily;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The operations a request repeats, without holding the caller's thread while the database works:
 * writes complete once their group commit is durable, on the writer thread; PostgreSQL lookups
 * complete on the thread that ran their batched query. Whatever a caller chains to these futures
 * without an executor runs on that thread, so it must be short and must not wait on the store.
 * The same operations as {@link TokenStore}, which waits for each.
 */
public interface AsyncTokenStore {

    CompletableFuture<Void> saveAccessTokenAsync(OpaqueAccessTokenRecord token);

    CompletableFuture<Optional<OpaqueAccessTokenRecord>> findAccessTokenAsync(TokenHash hash);

    CompletableFuture<Void> saveRefreshTokenAsync(TokenFamily family, RefreshTokenRecord token,
            OpaqueAccessTokenRecord accessToken);

    CompletableFuture<Optional<StoredRefreshToken>> findRefreshTokenAsync(TokenHash hash);

    /** The compare-and-set of {@link Rotation}; true if this call rotated the token. */
    CompletableFuture<Boolean> rotateAsync(Rotation rotation);

    /** {@link TokenStore#redeem}: true if this call spent the code and stored its tokens. */
    CompletableFuture<Boolean> redeemAsync(dev.latchkey.core.store.record.Redemption redemption);

    /**
     * A store without group commit (in memory, in tests) as an asynchronous one: each operation
     * runs on the calling thread and the future is complete when it returns.
     */
    static AsyncTokenStore inline(TokenStore store) {
        return new AsyncTokenStore() {
            @Override
            public CompletableFuture<Void> saveAccessTokenAsync(OpaqueAccessTokenRecord token) {
                return run(() -> {
                    store.saveAccessToken(token);
                    return null;
                });
            }

            @Override
            public CompletableFuture<Optional<OpaqueAccessTokenRecord>> findAccessTokenAsync(TokenHash hash) {
                return run(() -> store.findAccessToken(hash));
            }

            @Override
            public CompletableFuture<Void> saveRefreshTokenAsync(TokenFamily family, RefreshTokenRecord token,
                    OpaqueAccessTokenRecord accessToken) {
                return run(() -> {
                    store.saveRefreshToken(family, token, accessToken);
                    return null;
                });
            }

            @Override
            public CompletableFuture<Optional<StoredRefreshToken>> findRefreshTokenAsync(TokenHash hash) {
                return run(() -> store.findRefreshToken(hash));
            }

            @Override
            public CompletableFuture<Boolean> rotateAsync(Rotation rotation) {
                return run(() -> store.rotate(rotation));
            }

            @Override
            public CompletableFuture<Boolean> redeemAsync(dev.latchkey.core.store.record.Redemption redemption) {
                return run(() -> store.redeem(redemption));
            }
        };
    }

    private static <T> CompletableFuture<T> run(java.util.function.Supplier<T> operation) {
        try {
            return CompletableFuture.completedFuture(operation.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
