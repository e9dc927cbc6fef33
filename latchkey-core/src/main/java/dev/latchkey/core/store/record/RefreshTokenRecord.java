package dev.latchkey.core.store.record;

import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.TokenHash;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * A refresh token as stored. Every token belongs to a family, started by the grant that issued the
 * first one; each rotation adds a token to it (RFC 9700 §4.14.2).
 *
 * @param scope            the scope originally granted; RFC 6749 §6 keeps it for every successor
 * @param resources        the RFC 8707 resources the original grant named (empty: default audience)
 * @param accessExpiresAt  when the access token issued with this refresh token expires (null for
 *                         tokens issued before it was recorded): how long a revoked family's JWTs
 *                         must be remembered
 * @param familyExpiresAt  the absolute end of its family ({@link TokenFamily#expiresAt}), or null for none
 * @param successorHash    set when rotated: the token that replaced this one
 * @param sealedSuccessor  set when rotated inside a reuse grace window: the successor response,
 *                         encrypted under the master key, kept only until {@code graceUntil}
 * @param subject          the user whose authorization started the family, or null (the client's own)
 * @param confirmation     the key the token is bound to, or null: a public client's DPoP key (RFC 9449
 *                         §5), which every rotation of the family must prove again and keeps
 */
public record RefreshTokenRecord(
        TokenHash hash,
        String familyId,
        String clientId,
        Scope scope,
        List<URI> resources,
        Instant issuedAt,
        Instant expiresAt,
        Instant accessExpiresAt,
        Instant familyExpiresAt,
        State state,
        Instant rotatedAt,
        TokenHash successorHash,
        byte[] sealedSuccessor,
        Instant graceUntil,
        String subject,
        dev.latchkey.core.secret.Confirmation confirmation) {

    /** An unbound token. */
    public RefreshTokenRecord(TokenHash hash, String familyId, String clientId, Scope scope, List<URI> resources,
            Instant issuedAt, Instant expiresAt, Instant accessExpiresAt, Instant familyExpiresAt, State state,
            Instant rotatedAt, TokenHash successorHash, byte[] sealedSuccessor, Instant graceUntil, String subject) {
        this(hash, familyId, clientId, scope, resources, issuedAt, expiresAt, accessExpiresAt, familyExpiresAt, state,
                rotatedAt, successorHash, sealedSuccessor, graceUntil, subject, null);
    }

    /** A token of the client's own (its subject is the client). */
    public RefreshTokenRecord(TokenHash hash, String familyId, String clientId, Scope scope, List<URI> resources,
            Instant issuedAt, Instant expiresAt, Instant accessExpiresAt, Instant familyExpiresAt, State state,
            Instant rotatedAt, TokenHash successorHash, byte[] sealedSuccessor, Instant graceUntil) {
        this(hash, familyId, clientId, scope, resources, issuedAt, expiresAt, accessExpiresAt, familyExpiresAt, state,
                rotatedAt, successorHash, sealedSuccessor, graceUntil, null);
    }

    public enum State {
        ACTIVE(0), ROTATED(1), REVOKED(2);

        private final int code;

        State(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        public static State ofCode(int code) {
            for (State state : values()) {
                if (state.code == code) {
                    return state;
                }
            }
            throw new IllegalArgumentException("unknown refresh token state " + code);
        }
    }

    public RefreshTokenRecord {
        resources = List.copyOf(resources);
    }

    /**
     * A new token of {@code family}: its expiry is capped at the family's absolute end, which it
     * carries, so that it reads whole without its family.
     */
    public static RefreshTokenRecord active(TokenHash hash, TokenFamily family, Scope scope, List<URI> resources,
            Instant issuedAt, Instant expiresAt, Instant accessExpiresAt) {
        return new RefreshTokenRecord(hash, family.familyId(), family.clientId(), scope, resources, issuedAt,
                family.capExpiry(expiresAt), accessExpiresAt, family.expiresAt(), State.ACTIVE, null, null, null, null,
                family.subject(), null);
    }

    /** The same token bound to a key (null: unbound). */
    public RefreshTokenRecord boundTo(dev.latchkey.core.secret.Confirmation key) {
        return new RefreshTokenRecord(hash, familyId, clientId, scope, resources, issuedAt, expiresAt, accessExpiresAt,
                familyExpiresAt, state, rotatedAt, successorHash, sealedSuccessor, graceUntil, subject, key);
    }

    /** The family as far as this token tells it: its absolute end, and revoked once the token is. */
    public TokenFamily family() {
        return new TokenFamily(familyId, clientId, null, familyExpiresAt, state == State.REVOKED, subject);
    }

    /** This token in another state, the rest kept. */
    public RefreshTokenRecord with(State newState, Instant newRotatedAt, TokenHash newSuccessor, byte[] newSealed,
            Instant newGraceUntil) {
        return new RefreshTokenRecord(hash, familyId, clientId, scope, resources, issuedAt, expiresAt, accessExpiresAt,
                familyExpiresAt, newState, newRotatedAt, newSuccessor, newSealed, newGraceUntil, subject, confirmation);
    }

    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
