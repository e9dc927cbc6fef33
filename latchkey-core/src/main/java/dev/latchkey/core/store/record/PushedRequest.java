package dev.latchkey.core.store.record;

import dev.latchkey.core.secret.TokenHash;
import java.time.Duration;
import java.time.Instant;

/**
 * A pushed authorization request (RFC 9126 §2): the SHA-256 of its {@code request_uri}, the client
 * that pushed it (only that client may use it, §4), and the parameters it pushed, as a query
 * string. It lives {@link #TTL} and answers at most one authorization ({@code usedAt}).
 */
public record PushedRequest(TokenHash hash, String clientId, String parameters, Instant expiresAt, Instant usedAt) {

    /** RFC 9126 §2.2: a short life, "between 5 and 600 seconds" being typical; a redirect takes seconds. */
    public static final Duration TTL = Duration.ofSeconds(60);
    /** RFC 9126 §2.2: the URN prefix of a request_uri. */
    public static final String URN_PREFIX = "urn:ietf:params:oauth:request_uri:";

    public boolean isUsable(Instant now) {
        return usedAt == null && now.isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "PushedRequest[client=" + clientId + "]";
    }
}
