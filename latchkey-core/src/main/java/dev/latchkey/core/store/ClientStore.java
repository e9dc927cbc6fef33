package dev.latchkey.core.store;

import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.client.StoredSecret;
import java.time.Instant;
import java.util.Optional;

/**
 * Client applications and their secrets. Every change records a
 * {@link dev.latchkey.core.store.record.Change.Kind#CLIENT_CHANGED} (so every node drops its cached
 * copy, and forgets a cached "unknown" for a new id), and appends {@code audit} (when not null) in
 * the same transaction. Implementations are thread-safe.
 */
public interface ClientStore {

    /**
     * A filter on the list of clients, newest first; null members do not filter.
     *
     * @param search a client id, or part of a name (any case)
     * @param scope  a scope the clients may ask for
     */
    record Query(String search, String ownerId, String scope, Cursor after, int limit) {
    }

    /** Adds the client with its secrets. */
    void insert(RegisteredClient client, AuditEvent audit);

    /** The client with its secrets. */
    Optional<RegisteredClient> find(String clientId);

    /** Replaces the metadata, owner and disabled flag (not the secrets); false if absent. */
    boolean update(RegisteredClient client, Instant now, AuditEvent audit);

    /**
     * Deletes the client and its secrets, revokes every family, refresh token and opaque access
     * token issued to it (RFC 7592 §2.3); false if absent.
     */
    boolean delete(String clientId, Instant now, AuditEvent audit);

    void addSecret(String clientId, StoredSecret secret, Instant now, AuditEvent audit);

    /**
     * A rotation, in one transaction: {@code added} is stored and the secret {@code oldSecretId} set
     * to stop working at {@code oldExpiresAt}; false (nothing written) if that secret is absent.
     */
    boolean rotateSecret(String clientId, String oldSecretId, Instant oldExpiresAt, StoredSecret added, Instant now,
            AuditEvent audit);

    /** Sets when a secret stops working (a time past expires it at once); false if absent. */
    boolean setSecretExpiry(String clientId, String secretId, Instant expiresAt, Instant now, AuditEvent audit);

    /** Removes a secret at once; false if absent. */
    boolean deleteSecret(String clientId, String secretId, Instant now, AuditEvent audit);

    /** One page of clients, newest first, each with its secrets: one query per page. */
    Page<RegisteredClient> list(Query query);
}
