package dev.latchkey.core.secret;

/**
 * An access token as handed to a client: a JWT (RFC 9068) or an opaque string.
 * {@link #toString()} prints a fingerprint, never the value.
 */
public record AccessToken(String value) {

    @Override
    public String toString() {
        return "AccessToken[" + Secrets.fingerprint(value) + "]";
    }
}
