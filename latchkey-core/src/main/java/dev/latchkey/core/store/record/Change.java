package dev.latchkey.core.store.record;

import java.time.Instant;

/**
 * One entry of the change log through which every node (and the command line) tells the others
 * what their caches must drop: revoked JWTs and families, changed clients, new keys.
 *
 * @param ref       the jti, family id or client id concerned; empty for keys; see each kind
 * @param expiresAt when the entry stops mattering and may be purged
 */
public record Change(long seq, Kind kind, String ref, Instant expiresAt) {

    public enum Kind {
        JTI_REVOKED, FAMILY_REVOKED, CLIENT_CHANGED, KEYS_CHANGED,
        /** Every token of a client issued until a time: {@code ref} is {@code <epoch seconds>:<client id>}. */
        CLIENT_TOKENS_REVOKED
    }

    /** The ref of a {@link Kind#CLIENT_TOKENS_REVOKED}: every token of {@code clientId} issued until {@code now}. */
    public static String clientTokensRef(String clientId, Instant now) {
        return now.getEpochSecond() + ":" + clientId;
    }
}
