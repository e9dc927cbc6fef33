package dev.latchkey.core.audit;

import java.time.Instant;

/**
 * One state-changing action, as the audit log keeps it: who did what to which target, from where,
 * and the target before and after as JSON with secrets left out. Append-only.
 *
 * @param seq     the log's order (0 before it is stored)
 * @param actor   {@code account:<id>} (dashboard or admin API), {@code client:<id>} (a token with
 *                {@code latchkey:admin}, or RFC 7592), {@code registrant} (the initial access token),
 *                or {@code cli}
 * @param action  what was done, e.g. {@code client.secret.rotate}
 * @param ownerId the owner of the client concerned, so a developer sees the entries of their apps
 * @param source  the source address of the request, or null (command line)
 */
public record AuditEvent(long seq, Instant at, String actor, String action, String targetKind, String targetId,
        String ownerId, String before, String after, String source) {
}
