package dev.latchkey.core.authorize;

import dev.latchkey.core.account.Account;
import dev.latchkey.core.registry.ClientDirectory;
import dev.latchkey.core.store.record.AuthorizationCode;
import dev.latchkey.core.store.record.Consent;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.AuthorizationStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The authorization endpoint's work (RFC 6749 §4.1.1-§4.1.2) behind its pages: checking a request
 * against its client, remembering consent, issuing codes. The web layer owns the browser (sessions,
 * forms, redirects); this owns what is decided and stored. Thread-safe.
 */
public final class Authorizations {

    private final ClientDirectory clients;
    private final AuthorizationStore store;
    private final Clock clock;

    public Authorizations(ClientDirectory clients, AuthorizationStore store, Clock clock) {
        this.clients = clients;
        this.store = store;
        this.clock = clock;
    }

    /** @see AuthorizationRequest#parse */
    public AuthorizationRequest parse(Map<String, String> parameters, Set<String> repeated) {
        String clientId = parameters.get("client_id");
        return AuthorizationRequest.parse(parameters, repeated,
                clientId == null || clientId.length() > 100 ? Optional.empty() : clients.find(clientId));
    }

    /**
     * True if the user must be asked: the client is not first-party and the user has not allowed it
     * this scope before (or the request says {@code prompt=consent}).
     */
    public boolean needsConsent(Account user, AuthorizationRequest request) {
        if (request.prompt().contains(AuthorizationRequest.Prompt.CONSENT)) {
            return true;
        }
        if (request.client().metadata().userFlows().firstParty()) {
            return false;
        }
        return store.consent(user.accountId(), request.client().clientId())
                .filter(consent -> consent.covers(request.scope())).isEmpty();
    }

    /** The user allowed the request's scope: remembered with what they allowed before. */
    public void consent(Account user, AuthorizationRequest request) {
        Set<String> scope = new HashSet<>(request.scope().values());
        store.consent(user.accountId(), request.client().clientId())
                .ifPresent(before -> scope.addAll(before.scope().values()));
        store.saveConsent(new Consent(user.accountId(), request.client().clientId(), Scope.of(scope), now()));
    }

    /**
     * A new code for the request, bound to the client, the redirect URI and the PKCE challenge:
     * 256 random bits, of which only the SHA-256 is stored; it lives {@link AuthorizationCode#TTL}.
     */
    public String issueCode(Account user, Instant authTime, AuthorizationRequest request) {
        String value = Secrets.random256();
        Instant now = now();
        store.saveCode(new AuthorizationCode(TokenHash.of(value), request.client().clientId(), user.accountId(),
                request.redirectUri(), request.codeChallenge(), request.scope(), request.resources(), request.nonce(),
                authTime.truncatedTo(ChronoUnit.SECONDS), now, now.plus(AuthorizationCode.TTL), null, null));
        return value;
    }

    /** The clients the user consented to (the account page's connected apps). */
    public List<Consent> consents(String accountId) {
        return store.consents(accountId);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }
}
