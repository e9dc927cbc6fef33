package dev.latchkey.core.error;

/**
 * Carries an {@link OAuthError} from where a request is found wrong to the one renderer that
 * writes it (RFC 6749 §5.2 JSON). It is control flow for expected, client-caused failures, so it
 * records no stack trace.
 */
public final class OAuthException extends RuntimeException {

    private final OAuthError error;
    private final long retryAfterSeconds;
    private final String dpopNonce;

    public OAuthException(OAuthError error) {
        this(error, 0);
    }

    /** @param retryAfterSeconds when the client may try again (the answer's Retry-After); 0: not said */
    public OAuthException(OAuthError error, long retryAfterSeconds) {
        this(error, retryAfterSeconds, null);
    }

    /** @param dpopNonce the nonce the client must put in its next DPoP proof (the answer's DPoP-Nonce), or null */
    public OAuthException(OAuthError error, long retryAfterSeconds, String dpopNonce) {
        super(error.code() + (error.description() == null ? "" : ": " + error.description()), null, false, false);
        this.error = error;
        this.retryAfterSeconds = retryAfterSeconds;
        this.dpopNonce = dpopNonce;
    }

    public String dpopNonce() {
        return dpopNonce;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public OAuthError error() {
        return error;
    }
}
