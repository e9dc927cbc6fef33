package dev.latchkey.core.registry;

import dev.latchkey.core.client.ClientLimits;
import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.client.StoredSecret;
import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.audit.AuditEvents;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.secret.ClientSecret;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.store.ClientStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Dynamic client registration (RFC 7591) and its management protocol (RFC 7592), with the rules
 * of who may do what.
 *
 * <p>The server generates the client id, a 256-bit client secret and a 256-bit registration
 * access token; it keeps only their SHA-256, so the secret is shown once, at registration.
 * Deviation from RFC 7592 §3: read and update responses cannot include {@code client_secret}.
 *
 * <p>Who: registering takes the initial access token (RFC 7591 §3). A client manages itself with
 * its registration access token (RFC 7592 §2), and an update made with it may only keep or narrow
 * what the client holds ({@link ClientMetadata#requireWithin}: RFC 7591 §5, self-asserted metadata
 * grants nothing). Whoever holds the initial access token registers clients, so it may also read,
 * update (widening included, within the server's limits) and delete any of them. Thread-safe.
 */
public final class ClientRegistrar {

    /** The one response that carries the new client's secrets. */
    public record Registration(RegisteredClient client, ClientSecret secret, String registrationAccessToken) {

        @Override
        public String toString() {
            return "Registration[client=" + client.clientId() + "]";
        }
    }

    private final ClientStore store;
    private final ClientDirectory directory;
    private final ClientLimits limits;
    private final String initialAccessTokenHash;
    private final AuditEvents audits;
    private final Clock clock;

    /**
     * @param initialAccessTokenHash {@link Secrets#hash} of the initial access token, or null where
     *                               nobody registers over HTTP (the command line)
     */
    public ClientRegistrar(ClientStore store, ClientDirectory directory, ClientLimits limits,
            String initialAccessTokenHash, Clock clock) {
        this.store = store;
        this.directory = directory;
        this.limits = limits;
        this.initialAccessTokenHash = initialAccessTokenHash;
        this.audits = new AuditEvents(clock);
        this.clock = clock;
    }

    /** RFC 7591 §3.1: {@code bearer} must be the initial access token. */
    public Registration register(String bearer, Map<String, ?> json, String source) {
        if (!isInitialAccessToken(bearer)) {
            throw OAuthError.INVALID_TOKEN.toException("The initial access token is not valid");
        }
        // first_party is honoured here: whoever holds the initial access token is the operator.
        return register(ClientMetadata.parse(json, limits), Actor.registrant(source), null);
    }

    /**
     * Registers a client for a caller that is trusted already (the command line, the dashboard and
     * the admin API, which check the scopes first), owned by {@code ownerId} (null: no account). One
     * audit entry, in the same transaction.
     */
    public Registration register(ClientMetadata metadata, Actor actor, String ownerId) {
        // RFC 6749 §2.1: a public client gets no secret (it could not keep one); PKCE stands in for it.
        // A private_key_jwt client needs none either: it proves itself with its own key.
        boolean isPublic = !metadata.authMethod().usesSecret();
        ClientSecret secret = isPublic ? null : ClientSecret.generate();
        String registrationToken = Secrets.random256();
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        StoredSecret stored = isPublic ? null
                : new StoredSecret(StoredSecret.newId(), "default", secret.hash(), now, null, null);
        RegisteredClient client = RegisteredClient.registered(Secrets.random128(), stored,
                Secrets.hash(registrationToken), metadata, now, ownerId);
        store.insert(client, audits.client(actor, "client.create", null, client));
        directory.invalidate(client.clientId());
        return new Registration(client, secret, registrationToken);
    }

    /** RFC 7592 §2.1, with the client's registration access token or the initial access token. */
    public RegisteredClient read(String clientId, String bearer) {
        return authorize(clientId, bearer);
    }

    /**
     * RFC 7592 §2.2: the request carries the complete metadata, including {@code client_id}, which
     * must match the URI, and at most the issued {@code client_secret}. With the client's own
     * registration access token it may only keep or narrow what the client holds.
     */
    public RegisteredClient update(String clientId, String bearer, Map<String, ?> json, String source) {
        RegisteredClient current = authorize(clientId, bearer);
        if (!clientId.equals(json.get("client_id"))) {
            throw OAuthError.INVALID_CLIENT_METADATA.toException("client_id must be present and match the URI");
        }
        Object secret = json.get("client_secret");
        if (secret != null && !(secret instanceof String text && current.secrets().stream()
                .anyMatch(stored -> Secrets.matchesHash(text, stored.hash())))) {
            throw OAuthError.INVALID_CLIENT_METADATA.toException("client_secret does not match the issued secret");
        }
        ClientMetadata metadata = ClientMetadata.parse(json, limits);
        if (!isInitialAccessToken(bearer)) {
            metadata.requireWithin(current.metadata());
        }
        RegisteredClient updated = current.withMetadata(metadata);
        if (!store.update(updated, clock.instant(),
                audits.client(actor(clientId, bearer, source), "client.update", current, updated))) {
            throw invalidToken();
        }
        directory.invalidate(clientId);
        return updated;
    }

    /** RFC 7592 §2.3: the client and every token issued to it stop working. */
    public void delete(String clientId, String bearer, String source) {
        RegisteredClient current = authorize(clientId, bearer);
        store.delete(clientId, clock.instant(),
                audits.client(actor(clientId, bearer, source), "client.delete", current, null));
        directory.invalidate(clientId);
    }

    private Actor actor(String clientId, String bearer, String source) {
        return isInitialAccessToken(bearer) ? Actor.registrant(source) : Actor.selfManaging(clientId, source);
    }

    private boolean isInitialAccessToken(String bearer) {
        return initialAccessTokenHash != null && bearer != null && Secrets.matchesHash(bearer, initialAccessTokenHash);
    }

    // RFC 7592 §2.1-2.3: an unknown client or a wrong token both get 401 invalid_token, so the
    // answer does not tell whether the client exists.
    private RegisteredClient authorize(String clientId, String bearer) {
        RegisteredClient client = store.find(clientId).orElse(null);
        if (client == null || bearer == null || !(isInitialAccessToken(bearer)
                || Secrets.matchesHash(bearer, client.registrationTokenHash()))) {
            throw invalidToken();
        }
        return client;
    }

    private static RuntimeException invalidToken() {
        return OAuthError.INVALID_TOKEN.toException("The registration access token is not valid for this client");
    }
}
