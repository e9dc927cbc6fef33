package dev.latchkey.core.authorize;

import dev.latchkey.core.error.OAuthError;

/**
 * Why an authorization request is refused, and how the answer travels (RFC 6749 §4.1.2.1): a
 * request whose client or redirect URI cannot be trusted gets a page and is never redirected (that
 * would make the server an open redirector); any other error goes back to the client's redirect
 * URI, with {@code state} and {@code iss} (RFC 9207 §2).
 */
public final class AuthorizationFailure extends RuntimeException {

    private final OAuthError error;
    private final String redirectUri;
    private final String state;

    private AuthorizationFailure(OAuthError error, String redirectUri, String state) {
        super(error.code() + (error.description() == null ? "" : ": " + error.description()), null, false, false);
        this.error = error;
        this.redirectUri = redirectUri;
        this.state = state;
    }

    /** Shown to the user on a page (400): no redirect. */
    public static AuthorizationFailure page(String description) {
        return new AuthorizationFailure(OAuthError.INVALID_REQUEST.withDescription(description), null, null);
    }

    /** Sent back to the client at its (verified) redirect URI. */
    public static AuthorizationFailure redirect(OAuthError error, String description, String redirectUri, String state) {
        return new AuthorizationFailure(error.withDescription(description), redirectUri, state);
    }

    public OAuthError error() {
        return error;
    }

    /** The verified redirect URI to send the error to; null when the error is a page. */
    public String redirectUri() {
        return redirectUri;
    }

    public String state() {
        return state;
    }

    public boolean isPage() {
        return redirectUri == null;
    }
}
