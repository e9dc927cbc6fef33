package dev.latchkey.core.token;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.store.Change;
import dev.latchkey.core.store.OpaqueAccessTokenRecord;
import dev.latchkey.core.store.RefreshTokenRecord;
import dev.latchkey.core.store.TokenStore;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
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
    private final Duration maxTokenTtl;
    private final Clock clock;

    public Revoker(JwtVerifier jwts, TokenStore tokens, RevocationList revocations, Duration maxTokenTtl, Clock clock) {
        this.jwts = jwts;
        this.tokens = tokens;
        this.revocations = revocations;
        this.maxTokenTtl = maxTokenTtl;
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
        if (expiresAt.isAfter(now) && claims.getJWTID() != null) {
            tokens.revokeJwt(claims.getJWTID(), expiresAt);
            revocations.apply(new Change(0, Change.Kind.JTI_REVOKED, claims.getJWTID(), expiresAt));
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
        Optional<RefreshTokenRecord> token = tokens.findRefreshToken(hash);
        if (token.isEmpty()) {
            return false;
        }
        requireOwner(client, token.get().clientId());
        revokeFamily(token.get().familyId(), now);
        return true;
    }

    /** Revokes a family here and everywhere; used by revocation and by refresh token reuse detection. */
    public void revokeFamily(String familyId, Instant now) {
        // The family's JWTs all expire within the longest access token lifetime from now.
        Instant rememberUntil = now.plus(maxTokenTtl);
        tokens.revokeFamily(familyId, rememberUntil);
        revocations.apply(new Change(0, Change.Kind.FAMILY_REVOKED, familyId, rememberUntil));
    }

    private static void requireOwner(RegisteredClient client, String owner) {
        if (!client.clientId().equals(owner)) {
            throw OAuthError.INVALID_GRANT.toException("The token was issued to another client");
        }
    }
}
