package dev.latchkey.core.grant;

import dev.latchkey.core.scope.Scope;
import java.util.Optional;

/**
 * What a verified external JWT proved: the trusted issuer and subject it came from, the client its
 * first matching rule maps it to, and the rule's scope ceiling (empty: the client's scope). Immutable.
 */
public record FederatedIdentity(String issuer, String subject, String clientId, Optional<Scope> scope) {

    /** {@code allowed} narrowed by the rule's ceiling. */
    public Scope within(Scope allowed) {
        return scope.map(allowed::intersect).orElse(allowed);
    }
}
