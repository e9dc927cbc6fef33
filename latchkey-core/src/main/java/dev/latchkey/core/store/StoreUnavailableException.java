package dev.latchkey.core.store;

/**
 * The store could not be reached or could not complete a statement. The HTTP layer answers
 * 503 {@code temporarily_unavailable} (RFC 6749 §5.2 via §4.1.2.1's code) rather than 500.
 */
public final class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
