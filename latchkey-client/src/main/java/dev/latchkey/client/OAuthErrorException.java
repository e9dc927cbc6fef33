package dev.latchkey.client;

/**
 * The token endpoint refused with an RFC 6749 §5.2 error, e.g.
 * {@code {"error":"invalid_client","error_description":"Client authentication failed"}}.
 */
public final class OAuthErrorException extends TokenException {

    private final int status;
    private final String error;
    private final String errorDescription;

    public OAuthErrorException(int status, String error, String errorDescription) {
        super("token endpoint answered " + status + " " + error
                + (errorDescription == null ? "" : ": " + errorDescription));
        this.status = status;
        this.error = error;
        this.errorDescription = errorDescription;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The {@code error} code, e.g. {@code invalid_grant}. */
    public String error() {
        return error;
    }

    /** The {@code error_description}, or null. */
    public String errorDescription() {
        return errorDescription;
    }
}
