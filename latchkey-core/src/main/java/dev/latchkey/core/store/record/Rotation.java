package dev.latchkey.core.store.record;

import dev.latchkey.core.secret.TokenHash;
import java.time.Instant;

/**
 * One refresh token rotation, applied by the token store as a single compare-and-set: the old
 * token goes from active to rotated only if it is still active and unexpired and its family is
 * not revoked (checked under the family's lock), and only then are its successor (and the
 * successor's opaque access token) written. Built with {@link #builder}.
 *
 * @param accessToken     the opaque access token issued with the successor, or null for a JWT
 * @param sealedSuccessor the encrypted successor response when the client has a grace window, else null
 * @param graceUntil      end of that window, else null
 */
public record Rotation(
        TokenHash oldHash,
        Instant now,
        RefreshTokenRecord successor,
        OpaqueAccessTokenRecord accessToken,
        byte[] sealedSuccessor,
        Instant graceUntil) {

    /** A rotation of {@code oldHash} into {@code successor} at {@code now}, with no opaque access token and no grace window. */
    public static Builder builder(TokenHash oldHash, Instant now, RefreshTokenRecord successor) {
        return new Builder(oldHash, now, successor);
    }

    /** Not thread-safe. */
    public static final class Builder {
        private final TokenHash oldHash;
        private final Instant now;
        private final RefreshTokenRecord successor;
        private OpaqueAccessTokenRecord accessToken;
        private byte[] sealedSuccessor;
        private Instant graceUntil;

        private Builder(TokenHash oldHash, Instant now, RefreshTokenRecord successor) {
            this.oldHash = oldHash;
            this.now = now;
            this.successor = successor;
        }

        /** The opaque access token issued with the successor (null for a JWT). */
        public Builder accessToken(OpaqueAccessTokenRecord token) {
            accessToken = token;
            return this;
        }

        /** The sealed successor response kept until {@code until} (both null: no grace window). */
        public Builder graceWindow(byte[] sealed, Instant until) {
            sealedSuccessor = sealed;
            graceUntil = until;
            return this;
        }

        public Rotation build() {
            return new Rotation(oldHash, now, successor, accessToken, sealedSuccessor, graceUntil);
        }
    }
}
