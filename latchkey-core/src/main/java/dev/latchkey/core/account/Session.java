package dev.latchkey.core.account;

import java.time.Duration;
import java.time.Instant;

/**
 * A signed-in browser, as stored: the SHA-256 of the id its cookie holds, its account, and its
 * times. It ends at {@code expiresAt} (absolute) or after {@link #IDLE} without a request.
 */
public record Session(String sessionHash, String accountId, Instant createdAt, Instant lastSeenAt, Instant expiresAt) {

    /** Idle timeout (OWASP Session Management: 15-30 minutes for sensitive applications). */
    public static final Duration IDLE = Duration.ofMinutes(30);
    /** Absolute timeout: a session is never longer than a working day. */
    public static final Duration ABSOLUTE = Duration.ofHours(12);

    public boolean isLive(Instant now) {
        return now.isBefore(expiresAt) && now.isBefore(lastSeenAt.plus(IDLE));
    }
}
