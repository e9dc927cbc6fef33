package dev.latchkey.core.token;

/**
 * An opaque refresh token (RFC 6749 §1.5), 256 random bits. {@link #toString()} prints a
 * fingerprint, never the value.
 */
public record RefreshToken(String value) {

    public static RefreshToken generate() {
        return new RefreshToken(Secrets.random256());
    }

    public TokenHash hash() {
        return TokenHash.of(value);
    }

    @Override
    public String toString() {
        return "RefreshToken[" + Secrets.fingerprint(value) + "]";
    }
}
