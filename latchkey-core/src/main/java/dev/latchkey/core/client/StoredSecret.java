package dev.latchkey.core.client;

import java.time.Instant;

/**
 * One of a client's secrets as stored: its SHA-256 (the secret itself is shown once, when made),
 * a name for people, and when it was made, last used and stops working (null: never).
 */
public record StoredSecret(String secretId, String name, String hash, Instant createdAt, Instant expiresAt,
        Instant lastUsedAt) {

    /** A new secret id: {@code sec_} and 128 random bits. */
    public static String newId() {
        return "sec_" + dev.latchkey.core.secret.Secrets.random128();
    }

    /** Authenticates at {@code now}: not expired. */
    public boolean isLive(Instant now) {
        return expiresAt == null || now.isBefore(expiresAt);
    }

    public StoredSecret withExpiry(Instant newExpiry) {
        return new StoredSecret(secretId, name, hash, createdAt, newExpiry, lastUsedAt);
    }
}
