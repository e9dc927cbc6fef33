package dev.latchkey.client;

/**
 * A token response could not be read: it is not JSON, not an object, lacks {@code access_token},
 * or has a member of the wrong type. The message names the problem and never contains a token.
 * Unchecked, like {@link java.io.UncheckedIOException}: a server that answers garbage is not
 * something a caller can usually recover from at the call site.
 */
public final class TokenResponseException extends RuntimeException {

    public TokenResponseException(String message) {
        super(message);
    }

    public TokenResponseException(String message, Throwable cause) {
        super(message, cause);
    }
}
