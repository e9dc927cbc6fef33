package dev.latchkey.core.usage;

import java.time.Instant;

/** A token endpoint error one client got, such as {@code invalid_client}: what the Activity tab lists. */
public record ClientError(String clientId, Instant at, String error) {
}
