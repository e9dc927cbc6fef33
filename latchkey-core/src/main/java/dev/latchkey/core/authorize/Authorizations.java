package dev.latchkey.core.authorize;

import dev.latchkey.core.account.Account;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.registry.ClientDirectory;
import dev.latchkey.core.store.record.PushedRequest;
import dev.latchkey.core.store.record.AuthorizationCode;
import dev.latchkey.core.store.record.Consent;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.AuthorizationStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
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
    private final AuthorizationPolicy policy;
    private final Clock clock;

    public Authorizations(ClientDirectory clients, AuthorizationStore store, AuthorizationPolicy policy, Clock clock) {
        this.clients = clients;
        this.store = store;
        this.policy = policy;
        this.clock = clock;
    }

    public AuthorizationPolicy policy() {
        return policy;
    }

    /**
     * Checks a request at the authorization endpoint ({@link AuthorizationRequest#parse}). One that
     * names a {@code request_uri} (RFC 9126 §4) is the request its client pushed, if that is unused,
     * unexpired and the client's own; else the page says so. A client (or the server) that requires
     * pushed requests gets {@code invalid_request} for any other.
     */
    public AuthorizationRequest parse(Map<String, String> parameters, Set<String> repeated) {
        String clientId = parameters.get("client_id");
        Optional<RegisteredClient> client =
                clientId == null || clientId.length() > 100 ? Optional.empty() : clients.find(clientId);
        String requestUri = parameters.get("request_uri");
        if (requestUri != null) {
            if (clientId == null || repeated.contains("request_uri")) {
                throw AuthorizationFailure.page("A request_uri needs the client_id of the application that pushed it.");
            }
            TokenHash hash = TokenHash.of(requestUri);
            PushedRequest pushed = store.findPushed(hash)
                    .filter(found -> found.clientId().equals(clientId) && found.isUsable(now()))
                    .orElseThrow(() -> AuthorizationFailure.page("The request_uri is not valid: it expired, was used,"
                            + " or belongs to another application."));
            Map<String, String> pushedParameters = new HashMap<>();
            for (String pair : pushed.parameters().split("&")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    pushedParameters.put(decode(pair.substring(0, equals)), decode(pair.substring(equals + 1)));
                }
            }
            return AuthorizationRequest.parse(pushedParameters, Set.of(), client).pushedAs(hash);
        }
        AuthorizationRequest request = AuthorizationRequest.parse(parameters, repeated, client);
        if (policy.requirePushed() || request.client().metadata().userFlows().requirePushed()) {
            throw AuthorizationFailure.redirect(dev.latchkey.core.error.OAuthError.INVALID_REQUEST,
                    "authorization requests of this client must be pushed first (PAR, RFC 9126)",
                    request.redirectUri(), request.state());
        }
        return request;
    }

    /** The answer to a pushed request: the {@code request_uri} and its lifetime (RFC 9126 §2.2). */
    public record Pushed(String requestUri, long expiresIn) {
        @Override
        public String toString() {
            return "Pushed[expiresIn=" + expiresIn + "]";
        }
    }

    /**
     * RFC 9126 §2: an authenticated client pushes its request; it is checked now (errors as the
     * token endpoint's JSON: an {@link dev.latchkey.core.error.OAuthException}), stored under the
     * hash of a new {@code request_uri}, and lives {@link PushedRequest#TTL}.
     */
    public Pushed push(RegisteredClient client, Map<String, String> parameters, Set<String> repeated) {
        String named = parameters.get("client_id");
        if (named != null && !named.equals(client.clientId())) {
            // RFC 9126 §2.1: client_id, if sent, must be the authenticated client's.
            throw dev.latchkey.core.error.OAuthError.INVALID_REQUEST.toException(
                    "client_id does not match the authenticated client");
        }
        Map<String, String> withClient = new java.util.TreeMap<>(parameters);
        withClient.put("client_id", client.clientId());
        try {
            AuthorizationRequest.parse(withClient, repeated, Optional.of(client));
        } catch (AuthorizationFailure failure) {
            throw failure.error().toException();
        }
        String requestUri = PushedRequest.URN_PREFIX + Secrets.random256();
        StringBuilder query = new StringBuilder();
        withClient.forEach((name, value) -> query.append(query.length() == 0 ? "" : "&").append(encode(name))
                .append('=').append(encode(value)));
        Instant now = now();
        store.savePushed(new PushedRequest(TokenHash.of(requestUri), client.clientId(), query.toString(),
                now.plus(PushedRequest.TTL), null));
        return new Pushed(requestUri, PushedRequest.TTL.toSeconds());
    }

    /**
     * A pushed request answers once (RFC 9126 §4: one-time use; a reload before the answer is
     * allowed): called before its code is issued or its denial sent.
     */
    public void spend(AuthorizationRequest request) {
        if (request.pushed() != null && !store.usePushed(request.pushed(), now())) {
            throw AuthorizationFailure.page("This request was answered already. Go back to the application and"
                    + " start again.");
        }
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String decode(String value) {
        return java.net.URLDecoder.decode(value, java.nio.charset.StandardCharsets.UTF_8);
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
     * 256 random bits after its issue time ({@link Secrets#timeOrdered256}: codes written together
     * sit together in the store's index, as refresh tokens do), of which only the SHA-256 is stored;
     * it lives {@link AuthorizationCode#TTL}.
     */
    public String issueCode(Account user, Instant authTime, AuthorizationRequest request) {
        spend(request);
        Instant now = now();
        String value = Secrets.timeOrdered256(now);
        store.saveCode(new AuthorizationCode(TokenHash.of(value), request.client().clientId(), user.accountId(),
                request.redirectUri(), request.codeChallenge(), request.scope(), request.resources(), request.nonce(),
                authTime.truncatedTo(ChronoUnit.SECONDS), now, now.plus(AuthorizationCode.TTL), null, null,
                request.dpopJkt()));
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
