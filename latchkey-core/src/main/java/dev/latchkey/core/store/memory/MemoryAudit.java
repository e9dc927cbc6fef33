package dev.latchkey.core.store.memory;

import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.audit.AuditQuery;
import dev.latchkey.core.store.AuditStore;
import java.util.ArrayList;
import java.util.List;

/** The audit log in memory, under the lock of its {@link InMemoryStores}. */
final class MemoryAudit implements AuditStore {

    private final Object lock;
    private final List<AuditEvent> events = new ArrayList<>();
    private long lastSeq;

    MemoryAudit(Object lock) {
        this.lock = lock;
    }

    @Override
    public int purgeBefore(java.time.Instant cutoff, int batchSize) {
        synchronized (lock) {
            int before = events.size();
            java.util.Iterator<AuditEvent> oldest = events.iterator();
            int removed = 0;
            while (oldest.hasNext() && removed < batchSize) {
                if (oldest.next().at().isBefore(cutoff)) {
                    oldest.remove();
                    removed++;
                }
            }
            return before - events.size();
        }
    }

    @Override
    public long append(AuditEvent event) {
        synchronized (lock) {
            long seq = ++lastSeq; // never reused, also after a purge
            events.add(new AuditEvent(seq, event.at(), event.actor(), event.action(), event.targetKind(),
                    event.targetId(), event.ownerId(), event.before(), event.after(), event.source()));
            return seq;
        }
    }

    /** Appends {@code event} unless it is null: the stores' writes take an optional audit entry. */
    void appendIfAny(AuditEvent event) {
        if (event != null) {
            append(event);
        }
    }

    @Override
    public List<AuditEvent> after(long seq, int limit) {
        synchronized (lock) {
            return events.stream().filter(event -> event.seq() > seq).limit(limit).toList();
        }
    }

    @Override
    public List<AuditEvent> list(AuditQuery query) {
        synchronized (lock) {
            List<AuditEvent> selected = new ArrayList<>();
            for (int i = events.size() - 1; i >= 0 && selected.size() < query.limit(); i--) {
                AuditEvent event = events.get(i);
                if ((query.before() == null || event.seq() < query.before())
                        && (query.actor() == null || query.actor().equals(event.actor()))
                        && (query.action() == null || query.action().equals(event.action()))
                        && (query.targetId() == null || query.targetId().equals(event.targetId()))
                        && (query.ownerId() == null || query.ownerId().equals(event.ownerId()))) {
                    selected.add(event);
                }
            }
            return selected;
        }
    }
}
