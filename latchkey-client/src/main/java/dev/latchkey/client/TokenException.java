package dev.latchkey.client;

/**
 * No access token could be obtained: the token endpoint was unreachable, answered something that
 * is not a token response, or (as {@link OAuthErrorException}) refused. Messages never contain a
 * token or secret.
 */
public class TokenException extends RuntimeException {

    public TokenException(String message) {
        super(message);
    }

    public TokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
