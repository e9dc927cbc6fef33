package dev.latchkey.core.usage;

import java.time.Instant;

/** Tokens issued and token endpoint errors in one hour (or day) of one client, or of all. */
public record UsageCount(Instant start, long issued, long errors) {
}
