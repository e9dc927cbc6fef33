package dev.latchkey.core.secret;

/**
 * An opaque refresh token (RFC 6749 §1.5), 256 random bits after its issue time
 * ({@link Secrets#timeOrdered256}: its stored form sorts by issue time). {@link #toString()} prints a
 * fingerprint, never the value.
 */
public record RefreshToken(String value) {

    /** A new refresh token issued at {@code issuedAt}. */
    public static RefreshToken generate(java.time.Instant issuedAt) {
        return new RefreshToken(Secrets.timeOrdered256(issuedAt));
    }

    public TokenHash hash() {
        return TokenHash.of(value);
    }

    @Override
    public String toString() {
        return "RefreshToken[" + Secrets.fingerprint(value) + "]";
    }
}
