package dev.latchkey.core.store;

import dev.latchkey.core.store.record.Change;
import dev.latchkey.core.store.record.StoredKey;
import java.time.Instant;
import java.util.List;

/** Signing keys. Implementations are thread-safe. */
public interface KeyStore {

    List<StoredKey> all();

    /** Adds a key and records a {@link Change.Kind#KEYS_CHANGED} in the same transaction. */
    void insert(StoredKey key, Instant now);

    /**
     * Deletes every key (the recovery from a lost master key: the sealed keys can no longer be
     * opened) and tells every node; returns how many were deleted.
     */
    int deleteAll(Instant now);
}
