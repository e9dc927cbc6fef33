package dev.latchkey.server.pipeline;

import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.audit.AuditEvents;
import java.time.Clock;
import java.util.Map;
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
public final class FamilyRevocations {

    /** The audit log's name for a family revoked by its client (RFC 7009). */
    static final String REVOKED = "token.family.revoke";
    /** ... and for one revoked because a spent token or code came back (RFC 9700 §4.14.2, RFC 6749 §4.1.2). */
    static final String REUSE = "token.reuse_detected";

    private final TokenStore tokens;
    private final RevocationList revocations;
    private final AuditEvents audits;
    private final java.util.concurrent.atomic.LongAdder reuses = new java.util.concurrent.atomic.LongAdder();

    FamilyRevocations(TokenStore tokens, RevocationList revocations, Clock clock) {
        this.tokens = tokens;
        this.revocations = revocations;
        this.audits = new AuditEvents(clock);
    }

    /**
     * Revokes the family and, in the same transaction, writes {@code action} to the audit log with
     * the client as its actor; a family revoked already writes nothing.
     */
    void revoke(String familyId, Instant now, String clientId, String ownerId, String action) {
        if (action.equals(REUSE)) {
            reuses.increment();
        }
        AuditEvent event = audits.event(new Actor("client:" + clientId, null, false, null), action, "family",
                familyId, ownerId, null, Map.of("client_id", clientId));
        tokens.revokeFamily(familyId, now, event).ifPresent(rememberUntil ->
                revocations.apply(new Change(0, Change.Kind.FAMILY_REVOKED, familyId, rememberUntil)));
    }

    long reuseDetections() {
        return reuses.sum();
    }
}
