package dev.latchkey.core.authorize;

import java.time.Duration;

/**
 * How the server treats the flows in which people sign in, set by the operator.
 *
 * @param requirePushed  every authorization request must be pushed first (RFC 9126 §5,
 *                       {@code require_pushed_authorization_requests} for the whole server)
 * @param deviceCodeTtl  how long a device authorization lives (RFC 8628 §3.2 {@code expires_in})
 * @param allowSignup    people may create their own user account on the login page
 */
public record AuthorizationPolicy(boolean requirePushed, Duration deviceCodeTtl, boolean allowSignup) {

    public static final Duration MAX_DEVICE_CODE_TTL = Duration.ofHours(1);
    public static final AuthorizationPolicy DEFAULTS = new AuthorizationPolicy(false, Duration.ofMinutes(10), false);

    public AuthorizationPolicy {
        if (deviceCodeTtl.compareTo(Duration.ofSeconds(60)) < 0 || deviceCodeTtl.compareTo(MAX_DEVICE_CODE_TTL) > 0) {
            throw new IllegalArgumentException("the device code lifetime must be between 60 and "
                    + MAX_DEVICE_CODE_TTL.toSeconds() + " seconds");
        }
    }
}
