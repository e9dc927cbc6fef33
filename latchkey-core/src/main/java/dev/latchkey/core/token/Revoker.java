package dev.latchkey.core.token;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.store.Change;
import dev.latchkey.core.store.OpaqueAccessTokenRecord;
import dev.latchkey.core.store.StoredRefreshToken;
import dev.latchkey.core.store.TokenStore;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Token revocation, RFC 7009.
 *
 * <ul>
 *   <li>A JWT access token is remembered by its jti until it expires.</li>
 *   <li>An opaque access token is marked revoked.</li>
 *   <li>A refresh token revokes its whole family: every refresh token of it and every access token
 *       issued with them (§2.1 SHOULD), JWTs included through their family-bearing jti.</li>
 *   <li>Unknown, expired or foreign-issuer tokens change nothing and still succeed (§2.2).</li>
 *   <li>A token issued to another client is refused with {@code invalid_grant} (§2.1: "verifies
 *       whether the token was issued to the client making the revocation request"; RFC 6749 §5.2
 *       lists "issued to another client" under {@code invalid_grant}).</li>
 * </ul>
 * Thread-safe.
 */
public final class Revoker {

    private final JwtVerifier jwts;
    private final TokenStore tokens;
    private final RevocationList revocations;
    private final Clock clock;

    public Revoker(JwtVerifier jwts, TokenStore tokens, RevocationList revocations, Clock clock) {
        this.jwts = jwts;
        this.tokens = tokens;
        this.revocations = revocations;
        this.clock = clock;
    }

    public void revoke(RegisteredClient client, String token, String tokenTypeHint) {
        Instant now = clock.instant();
        if (JwtVerifier.looksLikeJwt(token)) {
            jwts.verify(token, now).ifPresent(claims -> revokeJwt(client, claims, now));
            return;
        }
        TokenHash hash = TokenHash.of(token);
        // RFC 7009 §2.1: the hint only orders the search. §2.2: an unknown token is not an error.
        if (Introspector.REFRESH_TOKEN_TYPE.equals(tokenTypeHint)) {
            if (!revokeRefresh(client, hash, now)) {
                revokeAccess(client, hash);
            }
        } else if (!revokeAccess(client, hash)) {
            revokeRefresh(client, hash, now);
        }
    }

    private void revokeJwt(RegisteredClient client, JWTClaimsSet claims, Instant now) {
        String owner;
        try {
            owner = claims.getStringClaim("client_id");
        } catch (ParseException e) {
            return;
        }
        requireOwner(client, owner);
        Instant expiresAt = claims.getExpirationTime().toInstant();
        String jti = claims.getJWTID();
        // A token revoked already (or whose family is) stays so: nothing to write again.
        if (expiresAt.isAfter(now) && jti != null && !revocations.isRevoked(jti)) {
            tokens.revokeJwt(jti, expiresAt);
            revocations.apply(new Change(0, Change.Kind.JTI_REVOKED, jti, expiresAt));
        }
    }

    private boolean revokeAccess(RegisteredClient client, TokenHash hash) {
        Optional<OpaqueAccessTokenRecord> token = tokens.findAccessToken(hash);
        if (token.isEmpty()) {
            return false;
        }
        requireOwner(client, token.get().clientId());
        tokens.revokeAccessToken(hash);
        return true;
    }

    private boolean revokeRefresh(RegisteredClient client, TokenHash hash, Instant now) {
        Optional<StoredRefreshToken> token = tokens.findRefreshToken(hash);
        if (token.isEmpty()) {
            return false;
        }
        requireOwner(client, token.get().token().clientId());
        revokeFamily(token.get().token().familyId(), now);
        return true;
    }

    /**
     * Revokes a family here and everywhere; used by revocation and by refresh token reuse detection.
     * Its JWTs are remembered as revoked until the last of them expires (the store knows when: the
     * family records the latest access token expiry it issued, whatever the lifetime limits are now).
     */
    public void revokeFamily(String familyId, Instant now) {
        tokens.revokeFamily(familyId, now).ifPresent(rememberUntil ->
                revocations.apply(new Change(0, Change.Kind.FAMILY_REVOKED, familyId, rememberUntil)));
    }

    private static void requireOwner(RegisteredClient client, String owner) {
        if (!client.clientId().equals(owner)) {
            throw OAuthError.INVALID_GRANT.toException("The token was issued to another client");
        }
    }
}
