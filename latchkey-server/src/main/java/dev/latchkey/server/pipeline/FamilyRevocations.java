package dev.latchkey.server.pipeline;

import dev.latchkey.core.store.TokenStore;
import dev.latchkey.core.store.record.Change;
import dev.latchkey.core.token.RevocationList;
import java.time.Instant;

/**
 * Revokes a refresh token family in the store, for every node (the store appends the change every
 * node's feed reads), and in this node's revocation list at once (so its JWTs read inactive here
 * before the feed catches up). Used by revocation (RFC 7009) and by reuse detection (RFC 9700
 * §4.14.2). Waits for the database: call it from a store worker. Thread-safe.
 */
final class FamilyRevocations {

    private final TokenStore tokens;
    private final RevocationList revocations;

    FamilyRevocations(TokenStore tokens, RevocationList revocations) {
        this.tokens = tokens;
        this.revocations = revocations;
    }

    void revoke(String familyId, Instant now) {
        tokens.revokeFamily(familyId, now).ifPresent(rememberUntil ->
                revocations.apply(new Change(0, Change.Kind.FAMILY_REVOKED, familyId, rememberUntil)));
    }
}
