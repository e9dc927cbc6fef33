package dev.latchkey.core.manage;

import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.audit.AuditQuery;
import dev.latchkey.core.store.AuditStore;
import dev.latchkey.core.store.Cursor;
import dev.latchkey.core.store.Page;
import java.util.List;

/** Reading the audit log: an admin sees everything, a developer the entries of their own clients. */
public final class AuditLog {

    /** The most entries one page holds. */
    public static final int MAX_PAGE = 1000;

    private final AuditStore audit;

    public AuditLog(AuditStore audit) {
        this.audit = audit;
    }

    /**
     * A page of entries, newest first: {@code query.before()} is ignored in favour of
     * {@code cursor}, the {@link Page#nextCursor()} of the page before.
     */
    public Page<AuditEvent> list(Actor actor, AuditQuery query, String cursor) {
        String owner = query.ownerId();
        if (!actor.admin()) {
            if (actor.accountId() == null) {
                return new Page<>(List.of(), null);
            }
            owner = actor.accountId();
        }
        Cursor after = ClientManagement.cursor(cursor);
        int limit = Math.max(1, Math.min(query.limit(), MAX_PAGE));
        List<AuditEvent> rows = audit.list(new AuditQuery(query.actor(), query.action(), query.targetId(), owner,
                after == null ? null : after.time(), limit + 1));
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<AuditEvent> page = rows.subList(0, limit);
        return new Page<>(page, new Cursor(page.get(limit - 1).seq(), "").encode());
    }
}
