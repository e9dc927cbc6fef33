package dev.latchkey.server.render;

import dev.latchkey.core.error.OAuthError;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one renderer of {@link OAuthError}s, RFC 6749 §5.2:
 * <pre>HTTP/1.1 400 Bad Request
 * Content-Type: application/json;charset=UTF-8
 * Cache-Control: no-store
 *
 * {"error":"invalid_request","error_description":"grant_type is missing"}</pre>
 * A 401 {@code invalid_client} carries {@code WWW-Authenticate: Basic} (§5.2: MUST when the client
 * used Basic, MAY otherwise, to say which scheme works); a 401 {@code invalid_token} carries the
 * RFC 6750 §3 Bearer challenge.
 */
public final class ErrorResponses {

    private static final String REALM = "latchkey";

    private ErrorResponses() {
    }

    public static Reply reply(OAuthError error) {
        return reply(error, 0);
    }

    /** The same, saying when the client may retry (RFC 9110 §10.2.3 Retry-After; 0: a second for 429 and 503). */
    public static Reply reply(OAuthError error, long retryAfterSeconds) {
        Map<String, String> headers = new LinkedHashMap<>(Reply.NO_STORE);
        if (error.status() == 503 || error.status() == 429) {
            headers.put("Retry-After", Long.toString(Math.max(1, retryAfterSeconds)));
        }
        if (error.status() == 401) {
            headers.put("WWW-Authenticate", OAuthError.INVALID_TOKEN.code().equals(error.code())
                    ? "Bearer realm=\"" + REALM + "\", error=\"invalid_token\""
                    : "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
        }
        return new Reply(error.status(), headers, Json.bytes(body(error)));
    }

    public static Map<String, Object> body(OAuthError error) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error.code());
        if (error.description() != null) {
            body.put("error_description", error.description());
        }
        if (error.uri() != null) {
            body.put("error_uri", error.uri().toString());
        }
        return body;
    }

    /** An error for a bare HTTP status (unknown path, wrong method, a limit Jetty enforced). */
    public static OAuthError forStatus(int status, String description) {
        if (status == 503) {
            return OAuthError.TEMPORARILY_UNAVAILABLE.withDescription(description);
        }
        OAuthError base = status >= 500 ? OAuthError.SERVER_ERROR : OAuthError.INVALID_REQUEST;
        return base.withStatus(status).withDescription(description);
    }
}
