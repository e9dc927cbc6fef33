package dev.latchkey.server.dashboard;

import dev.latchkey.core.account.PasswordHasher;
import dev.latchkey.core.error.OAuthException;
import dev.latchkey.core.manage.ManagementException;
import dev.latchkey.core.store.StoreUnavailableException;
import dev.latchkey.server.render.Json;
import dev.latchkey.server.render.Reply;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's errors as RFC 9457 problem details: {@code application/problem+json} with
 * {@code type} {@code about:blank} (§4.2.1: the title is then the status's phrase), {@code status}
 * and a {@code detail} written for people, which never holds a secret.
 */
final class Problems {

    static final String MEDIA_TYPE = "application/problem+json";
    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    private Problems() {
    }

    static Reply of(int status, String detail) {
        return of(status, detail, Map.of());
    }

    static Reply of(int status, String detail, Map<String, String> extraHeaders) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title(status));
        body.put("status", status);
        body.put("detail", detail);
        Map<String, String> headers = new LinkedHashMap<>(Reply.NO_STORE);
        headers.put("Content-Type", MEDIA_TYPE);
        headers.putAll(extraHeaders);
        return new Reply(status, headers, Json.bytes(body));
    }

    /** What a failure of a management call is, as a problem: its own status, or 503, or 500 (logged). */
    static Reply of(RuntimeException failure) {
        if (failure instanceof ManagementException refused) {
            return of(refused.kind().status(), refused.getMessage());
        }
        if (failure instanceof OAuthException invalid) {
            return of(400, invalid.error().description() != null ? invalid.error().description() : invalid.error().code());
        }
        if (failure instanceof StoreUnavailableException || failure instanceof PasswordHasher.Busy) {
            return of(503, "The service is busy or its database is unavailable; retry shortly", Map.of("Retry-After", "1"));
        }
        if (failure instanceof IllegalArgumentException malformed) {
            return of(400, malformed.getMessage());
        }
        LOG.error("Admin request failed", failure);
        return of(500, "Something went wrong on the server; it is logged");
    }

    static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 415 -> "Unsupported Media Type";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }
}
