package dev.latchkey.core.client;

import java.time.Duration;

/**
 * Server-wide bounds on what a client may register. {@code maxAccessTokenTtl} also decides how
 * long a retired signing key stays published and how long a revoked JWT is remembered.
 */
public record ClientLimits(Duration maxAccessTokenTtl, Duration maxRefreshTokenTtl, Duration maxRefreshGrace) {

    public static final Duration DEFAULT_ACCESS_TOKEN_TTL = Duration.ofHours(1);
    public static final Duration DEFAULT_REFRESH_TOKEN_TTL = Duration.ofDays(30);

    /** No bounds: for reading back metadata that was validated when it was registered. */
    public static ClientLimits unbounded() {
        Duration forever = Duration.ofDays(365L * 1000);
        return new ClientLimits(forever, forever, forever);
    }

    public static ClientLimits defaults() {
        return new ClientLimits(Duration.ofDays(1), Duration.ofDays(365), Duration.ofMinutes(5));
    }
}
