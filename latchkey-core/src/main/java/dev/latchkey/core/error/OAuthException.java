package dev.latchkey.core.error;

/**
 * Carries an {@link OAuthError} from where a request is found wrong to the one renderer that
 * writes it (RFC 6749 §5.2 JSON). It is control flow for expected, client-caused failures, so it
 * records no stack trace.
 */
public final class OAuthException extends RuntimeException {

    private final OAuthError error;

    public OAuthException(OAuthError error) {
        super(error.code() + (error.description() == null ? "" : ": " + error.description()), null, false, false);
        this.error = error;
    }

    public OAuthError error() {
        return error;
    }
}
