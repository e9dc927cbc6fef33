package dev.latchkey.core.error;

import java.net.URI;
import java.util.Objects;

/**
 * An OAuth 2.0 error as a value: the {@code error} code, an optional human-readable description,
 * an optional URI and the HTTP status it is rendered with.
 *
 * <p>RFC 6749 §5.2 defines the token endpoint's codes; RFC 7591 §3.2.2, RFC 6750 §3.1,
 * RFC 7009 §2.2.1 and RFC 8707 §2 add the others held here as constants. Wire form:
 * <pre>{"error":"invalid_grant","error_description":"Refresh token was already used"}</pre>
 *
 * <p>Immutable and thread-safe. Descriptions are restricted to the characters RFC 6749 §5.2
 * allows ({@code %x20-21 / %x23-5B / %x5D-7E}) and must never contain a token or secret:
 * callers name parameters, never echo their values.
 */
public record OAuthError(String code, String description, URI uri, int status) {

    public static final OAuthError INVALID_REQUEST = of("invalid_request", 400);
    public static final OAuthError INVALID_CLIENT = of("invalid_client", 401);
    public static final OAuthError INVALID_GRANT = of("invalid_grant", 400);
    public static final OAuthError UNAUTHORIZED_CLIENT = of("unauthorized_client", 400);
    public static final OAuthError UNSUPPORTED_GRANT_TYPE = of("unsupported_grant_type", 400);
    public static final OAuthError INVALID_SCOPE = of("invalid_scope", 400);
    /** RFC 8707 §2: a requested resource is not acceptable. */
    public static final OAuthError INVALID_TARGET = of("invalid_target", 400);
    /** RFC 7591 §3.2.2. */
    public static final OAuthError INVALID_CLIENT_METADATA = of("invalid_client_metadata", 400);
    /** RFC 6750 §3.1: used for the registration endpoints' bearer tokens. */
    public static final OAuthError INVALID_TOKEN = of("invalid_token", 401);
    /** RFC 7009 §2.2.1. */
    public static final OAuthError UNSUPPORTED_TOKEN_TYPE = of("unsupported_token_type", 400);
    /** RFC 7591 §3.2.2: a redirect URI that may not be registered. */
    public static final OAuthError INVALID_REDIRECT_URI = of("invalid_redirect_uri", 400);
    /** RFC 6749 §4.1.2.1: the resource owner or the server denied the request. */
    public static final OAuthError ACCESS_DENIED = of("access_denied", 400);
    /** RFC 6749 §4.1.2.1: a response_type other than code. */
    public static final OAuthError UNSUPPORTED_RESPONSE_TYPE = of("unsupported_response_type", 400);
    /** OIDC Core §3.1.2.6: {@code prompt=none} and no one is signed in. */
    public static final OAuthError LOGIN_REQUIRED = of("login_required", 400);
    /** OIDC Core §3.1.2.6: {@code prompt=none} and the user has not consented. */
    public static final OAuthError CONSENT_REQUIRED = of("consent_required", 400);
    public static final OAuthError SERVER_ERROR = of("server_error", 500);
    public static final OAuthError TEMPORARILY_UNAVAILABLE = of("temporarily_unavailable", 503);
    /** Latchkey's: the client is over its rate limit (429, with Retry-After; README "Rate limits"). */
    public static final OAuthError RATE_LIMITED = of("rate_limited", 429);
    /** Latchkey's: the client has had its hourly or daily token quota (429, Retry-After: when the window ends). */
    public static final OAuthError QUOTA_EXCEEDED = of("quota_exceeded", 429);
    /** RFC 9449 §5: the DPoP proof is missing where required, malformed or does not check out. */
    public static final OAuthError INVALID_DPOP_PROOF = of("invalid_dpop_proof", 400);
    /** RFC 9449 §8: the proof must carry the nonce the answer's {@code DPoP-Nonce} header gives. */
    public static final OAuthError USE_DPOP_NONCE = of("use_dpop_nonce", 400);

    public OAuthError {
        Objects.requireNonNull(code, "code");
        if (!isAllowed(code) || code.isEmpty()) {
            throw new IllegalArgumentException("error code has characters RFC 6749 §5.2 forbids");
        }
        if (description != null && !isAllowed(description)) {
            throw new IllegalArgumentException("error_description has characters RFC 6749 §5.2 forbids");
        }
    }

    private static OAuthError of(String code, int status) {
        return new OAuthError(code, null, null, status);
    }

    public OAuthError withDescription(String newDescription) {
        return new OAuthError(code, newDescription, uri, status);
    }

    public OAuthError withStatus(int newStatus) {
        return new OAuthError(code, description, uri, newStatus);
    }

    /** Shorthand for throwing: {@code throw OAuthError.INVALID_REQUEST.toException("...")}. */
    public OAuthException toException(String newDescription) {
        return new OAuthException(withDescription(newDescription));
    }

    public OAuthException toException() {
        return new OAuthException(this);
    }

    // RFC 6749 §5.2: error and error_description are limited to %x20-21 / %x23-5B / %x5D-7E.
    private static boolean isAllowed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
