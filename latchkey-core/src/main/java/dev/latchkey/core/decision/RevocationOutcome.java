package dev.latchkey.core.decision;

import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.secret.TokenHash;
import java.time.Instant;

/** What a revocation request decided (RFC 7009); the revocation pipeline carries it out. */
public sealed interface RevocationOutcome {

    /** Remember the JWT's jti as revoked until it expires. */
    record RevokeJwt(String jti, Instant expiresAt) implements RevocationOutcome {
    }

    record RevokeAccessToken(TokenHash hash) implements RevocationOutcome {
    }

    /** A refresh token: revoke its whole family (RFC 7009 §2.1 SHOULD). */
    record RevokeFamily(String familyId) implements RevocationOutcome {
    }

    /** Unknown, expired, foreign or already revoked: still a success (RFC 7009 §2.2). */
    record Nothing() implements RevocationOutcome {
    }

    record Refuse(OAuthError error) implements RevocationOutcome {
    }
}
