package dev.latchkey.core.store;

import dev.latchkey.core.store.record.Change;
import java.time.Instant;
import java.util.List;

/** Reads the change log that store writes append to. Implementations are thread-safe. */
public interface ChangeLog {

    /** Entries with a sequence number above {@code seq}, in order, at most {@code limit}. */
    List<Change> since(long seq, int limit);

    /** The highest sequence number written so far, 0 if none. */
    long latestSeq();

    /** Every JWT, family and client-token revocation that has not expired: the start-up state of a node. */
    List<Change> activeRevocations(Instant now);
}
