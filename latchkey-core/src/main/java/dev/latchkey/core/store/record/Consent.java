package dev.latchkey.core.store.record;

import dev.latchkey.core.scope.Scope;
import java.time.Instant;

/** What a user allowed a client on the consent page, remembered so they are asked once per scope. */
public record Consent(String accountId, String clientId, Scope scope, Instant grantedAt) {

    /** True if this consent covers {@code requested}. */
    public boolean covers(Scope requested) {
        return scope.containsAll(requested);
    }
}
