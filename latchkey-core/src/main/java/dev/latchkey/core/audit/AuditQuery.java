package dev.latchkey.core.audit;

/**
 * A filter on the audit log, newest first. Null members do not filter.
 *
 * @param ownerId  only entries about the clients of this owner (a developer's view)
 * @param before   only entries older than this sequence number (the cursor)
 */
public record AuditQuery(String actor, String action, String targetId, String ownerId, Long before, int limit) {

    public static AuditQuery latest(int limit) {
        return new AuditQuery(null, null, null, null, null, limit);
    }
}
