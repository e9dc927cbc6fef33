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
     * Starts a family with its first refresh token and the opaque access token issued with it
     * (null for a JWT); the future completes once all are durable, as {@link #saveAccessTokenAsync}.
     */
    CompletableFuture<Void> saveRefreshTokenAsync(TokenFamily family, RefreshTokenRecord token,
            OpaqueAccessTokenRecord accessToken);

    /** {@link #saveRefreshTokenAsync}, waited for. */
    default void saveRefreshToken(TokenFamily family, RefreshTokenRecord token, OpaqueAccessTokenRecord accessToken) {
        Futures.join(saveRefreshTokenAsync(family, token, accessToken));
    }

    /** The refresh token with this hash and its family; empty if either is unknown. */
    Optional<StoredRefreshToken> findRefreshToken(TokenHash hash);

    /**
     * The compare-and-set of {@link Rotation}: the future completes with true if this call rotated
     * the token (it was active and unexpired, and its family not revoked), once the rotation is durable, on the store's writer thread (chain only short work
     * that does not wait on this store).
     */
    CompletableFuture<Boolean> rotateAsync(Rotation rotation);

    /** {@link #rotateAsync}, waited for: true if this call rotated the token. */
    default boolean rotate(Rotation rotation) {
        return Futures.join(rotateAsync(rotation));
    }

    /**
     * Revokes the family, every refresh token and opaque access token of it, and records a
     * {@link Change.Kind#FAMILY_REVOKED} (for its JWTs) remembered until the latest expiry of an
     * access token the family issued, and at least until {@code rememberAtLeastUntil}. Serialized
     * with {@link #rotateAsync} on the family: once this returns, no token of the family works,
     * whatever rotation was in flight.
     *
     * @return until when the revocation is remembered; empty if the family was revoked already
     *         (nothing is written again)
     */
    Optional<Instant> revokeFamily(String familyId, Instant rememberAtLeastUntil);

    /** Marks an opaque access token revoked; false if unknown. */
    boolean revokeAccessToken(TokenHash hash);

    /**
     * Records a {@link Change.Kind#JTI_REVOKED} for a JWT access token until it expires.
     *
     * @return false if that jti was revoked already (nothing is written again)
     */
    boolean revokeJwt(String jti, Instant expiresAt);

    /**
     * Deletes at most {@code batchSize} expired rows of each kind, drops sealed successors whose
     * grace window has passed, and returns how many rows it touched. Safe to run concurrently.
     */
    int purgeExpired(Instant now, int batchSize);
}
