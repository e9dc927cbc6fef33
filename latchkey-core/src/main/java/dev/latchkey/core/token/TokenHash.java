package dev.latchkey.core.token;

/**
 * The stored form of an opaque token: SHA-256 of its value, base64url. The store never sees the
 * token itself, so a copy of the database cannot be replayed.
 */
public record TokenHash(String value) {

    public static TokenHash of(String token) {
        return new TokenHash(Secrets.hash(token));
    }

    @Override
    public String toString() {
        return value;
    }
}
