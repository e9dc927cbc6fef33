package dev.latchkey.core.store;

import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.audit.AuditQuery;
import java.util.List;

/** The audit log: append-only. Thread-safe. */
public interface AuditStore {

    /** Appends the event (its seq is assigned by the store) and returns its seq. */
    long append(AuditEvent event);

    /** The entries the query selects, newest first, at most {@code query.limit()}. */
    List<AuditEvent> list(AuditQuery query);

    /** The entries after {@code seq}, oldest first, at most {@code limit}: for following the log. */
    List<AuditEvent> after(long seq, int limit);

    /**
     * Deletes at most {@code batchSize} entries older than {@code cutoff} (the retention), oldest
     * first, in one short transaction; returns how many.
     */
    int purgeBefore(java.time.Instant cutoff, int batchSize);
}
