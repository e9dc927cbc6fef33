package dev.latchkey.core.store;

import dev.latchkey.core.token.TokenHash;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Issued tokens: opaque access tokens, refresh tokens and their families. Every method is one
 * transaction; implementations are thread-safe and must make {@link #rotate} atomic, so that of
 * two concurrent rotations of one token exactly one returns true.
 */
public interface TokenStore {

    /**
     * Saves an opaque access token; the future completes once it is durable, or fails with
     * {@link StoreUnavailableException}, so that the caller holds no thread while the write waits
     * for its commit. The token endpoint issues opaque tokens this way.
     */
    CompletableFuture<Void> saveAccessTokenAsync(OpaqueAccessTokenRecord token);

    /** {@link #saveAccessTokenAsync}, waited for: returns once the token is durable. */
    default void saveAccessToken(OpaqueAccessTokenRecord token) {
        Futures.join(saveAccessTokenAsync(token));
    }

    Optional<OpaqueAccessTokenRecord> findAccessToken(TokenHash hash);

    /**
     * {@link #findAccessToken} for a caller that would rather not wait: a store whose reads are
     * round trips (PostgreSQL) answers on one of its own threads, so whatever the caller chains
     * without an executor must be short and must not wait on this store. By default the lookup
     * runs on the calling thread and the future is already complete.
     */
    default CompletableFuture<Optional<OpaqueAccessTokenRecord>> findAccessTokenAsync(TokenHash hash) {
        try {
            return CompletableFuture.completedFuture(findAccessToken(hash));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Starts a family with its first refresh token and the access token issued with it (nullable);
     * the future completes once both are durable, as {@link #saveAccessTokenAsync}.
     */
    CompletableFuture<Void> saveRefreshTokenAsync(RefreshTokenRecord token, OpaqueAccessTokenRecord accessToken);

    /** {@link #saveRefreshTokenAsync}, waited for. */
    default void saveRefreshToken(RefreshTokenRecord token, OpaqueAccessTokenRecord accessToken) {
        Futures.join(saveRefreshTokenAsync(token, accessToken));
    }

    Optional<RefreshTokenRecord> findRefreshToken(TokenHash hash);

    /**
     * The compare-and-set of {@link Rotation}: the future completes with true if this call rotated
     * the token, once the rotation is durable, on the store's writer thread (chain only short work
     * that does not wait on this store).
     */
    CompletableFuture<Boolean> rotateAsync(Rotation rotation);

    /** {@link #rotateAsync}, waited for: true if this call rotated the token. */
    default boolean rotate(Rotation rotation) {
        return Futures.join(rotateAsync(rotation));
    }

    /**
     * Revokes every refresh token and opaque access token of the family and records a
     * {@link Change.Kind#FAMILY_REVOKED} (for JWTs) remembered until {@code rememberUntil}.
     */
    void revokeFamily(String familyId, Instant rememberUntil);

    /** Marks an opaque access token revoked; false if unknown. */
    boolean revokeAccessToken(TokenHash hash);

    /** Records a {@link Change.Kind#JTI_REVOKED} for a JWT access token until it expires. */
    void revokeJwt(String jti, Instant expiresAt);

    /**
     * Deletes at most {@code batchSize} expired rows of each kind, drops sealed successors whose
     * grace window has passed, and returns how many rows it touched. Safe to run concurrently.
     */
    int purgeExpired(Instant now, int batchSize);
}
