package dev.latchkey.core.usage;

import java.time.Instant;

/** One node's counts of one client in one hour, added to what the hour holds (nodes' counts add up). */
public record UsageDelta(Instant hour, String clientId, long issued, long errors) {
}
