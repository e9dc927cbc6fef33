package dev.latchkey.core.store;

import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.record.FamilySummary;
import dev.latchkey.core.store.record.OpaqueAccessTokenRecord;
import dev.latchkey.core.store.record.RefreshTokenRecord;
import dev.latchkey.core.store.record.Rotation;
import dev.latchkey.core.store.record.StoredRefreshToken;
import dev.latchkey.core.store.record.TokenFamily;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Issued tokens: opaque access tokens, refresh tokens and their families. A synchronous port:
 * every method is one transaction and returns once it is durable. Implementations are thread-safe
 * and must make {@link #rotate} atomic, so that of two concurrent rotations of one token exactly
 * one returns true, and must serialize it with {@link #revokeFamily} on the family.
 */
public interface TokenStore {

    void saveAccessToken(OpaqueAccessTokenRecord token);

    Optional<OpaqueAccessTokenRecord> findAccessToken(TokenHash hash);

    /**
     * Starts a family with its first refresh token (null: a family of access tokens only, as an
     * authorization code's, so that a replayed code revokes them) and the opaque access token issued
     * with it (null for a JWT).
     */
    void saveRefreshToken(TokenFamily family, RefreshTokenRecord token, OpaqueAccessTokenRecord accessToken);

    /** The refresh token with this hash and its family; empty if either is unknown. */
    Optional<StoredRefreshToken> findRefreshToken(TokenHash hash);

    /**
     * The compare-and-set of {@link Rotation}: true if this call rotated the token (it was active
     * and unexpired, and its family not revoked).
     */
    boolean rotate(Rotation rotation);

    /**
     * Revokes the family, every refresh token and opaque access token of it, and records a
     * {@link dev.latchkey.core.store.record.Change.Kind#FAMILY_REVOKED} (for its JWTs) remembered
     * until the latest expiry of an access token the family issued, and at least until
     * {@code rememberAtLeastUntil}. Serialized with {@link #rotate} on the family: once this
     * returns, no token of the family works, whatever rotation was in flight.
     *
     * @return until when the revocation is remembered; empty if the family was revoked already
     *         (nothing is written again) or is unknown
     */
    Optional<Instant> revokeFamily(String familyId, Instant rememberAtLeastUntil);

    /** The same, by an account on the dashboard: {@code audit} is appended in the same transaction. */
    Optional<Instant> revokeFamily(String familyId, Instant rememberAtLeastUntil, AuditEvent audit);

    /**
     * Revokes everything issued to a client: every family and its tokens, every opaque access token,
     * and its JWTs issued until {@code now} (a
     * {@link dev.latchkey.core.store.record.Change.Kind#CLIENT_TOKENS_REVOKED} remembered until
     * {@code rememberUntil}), with {@code audit}, in one transaction.
     */
    void revokeClientTokens(String clientId, Instant now, Instant rememberUntil, AuditEvent audit);

    /** The client's families that still have a usable refresh token, newest first. */
    Page<FamilySummary> families(String clientId, Instant now, Cursor after, int limit);

    /** Marks an opaque access token revoked; false if unknown. */
    boolean revokeAccessToken(TokenHash hash);

    /**
     * Records a {@link dev.latchkey.core.store.record.Change.Kind#JTI_REVOKED} for a JWT access
     * token until it expires.
     *
     * @return false if that jti was revoked already (nothing is written again)
     */
    boolean revokeJwt(String jti, Instant expiresAt);

    /**
     * Deletes at most {@code batchSize} expired rows of each kind (a family goes with its last
     * refresh token), drops sealed successors whose grace window has passed, and returns how many
     * rows it touched. Safe to run concurrently.
     */
    int purgeExpired(Instant now, int batchSize);

    /**
     * Spends an authorization code or an approved device code and starts the family it issued, in
     * one transaction ({@link Redemption}); false, and nothing written, if it was spent already.
     */
    boolean redeem(dev.latchkey.core.store.record.Redemption redemption);

    /**
     * The clients holding tokens a user's authorizations issued, each with its families not yet
     * revoked and when it last got a token (a family's start or its latest rotation): the account
     * page's connected apps.
     */
    Map<String, UserGrant> userGrants(String subject);

    /** What a user's authorizations gave one client: its live families and its last token. */
    record UserGrant(java.util.List<String> familyIds, Instant lastUsedAt) {
    }
}
