package dev.latchkey.core.store.record;

import java.time.Instant;

/**
 * One entry of the change log through which every node (and the command line) tells the others
 * what their caches must drop: revoked JWTs and families, changed clients, new keys.
 *
 * @param ref       the jti, family id or client id concerned; empty for keys
 * @param expiresAt when the entry stops mattering and may be purged
 */
public record Change(long seq, Kind kind, String ref, Instant expiresAt) {

    public enum Kind {
        JTI_REVOKED, FAMILY_REVOKED, CLIENT_CHANGED, KEYS_CHANGED
    }
}
