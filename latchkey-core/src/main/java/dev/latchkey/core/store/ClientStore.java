package dev.latchkey.core.store;

import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.store.record.Change;
import java.time.Instant;
import java.util.Optional;

/** Registered clients. Implementations are thread-safe. */
public interface ClientStore {

    /** Adds the client and records a {@link Change.Kind#CLIENT_CHANGED} (nodes may remember the id as unknown). */
    void insert(RegisteredClient client);

    Optional<RegisteredClient> find(String clientId);

    /** Replaces the metadata and records a {@link Change.Kind#CLIENT_CHANGED}; false if absent. */
    boolean update(RegisteredClient client, Instant now);

    /**
     * Deletes the client, revokes every refresh token and opaque access token issued to it
     * (RFC 7592 §2.3) and records a {@link Change.Kind#CLIENT_CHANGED}, in one transaction.
     */
    boolean delete(String clientId, Instant now);
}
