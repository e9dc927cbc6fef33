package dev.latchkey.core.token;

import dev.latchkey.core.client.ClientLimits;

/**
 * Server-wide token settings: the issuer identifier (RFC 8414 §2, the JWT {@code iss}), the
 * audience used when a request names no RFC 8707 resource, and the bounds on client settings.
 */
public record IssuerPolicy(String issuer, String defaultAudience, ClientLimits limits) {
}
