package dev.latchkey.core.client;

import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.store.ClientStore;
import dev.latchkey.core.token.Secrets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Dynamic client registration (RFC 7591) and its management protocol (RFC 7592).
 *
 * <p>The server generates the client id, a 256-bit client secret and a 256-bit registration
 * access token; it keeps only their SHA-256, so the secret is shown once, at registration.
 * Deviation from RFC 7592 §3: read and update responses cannot include {@code client_secret}.
 * Thread-safe.
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
    private final Clock clock;

    public ClientRegistrar(ClientStore store, ClientDirectory directory, Clock clock) {
        this.store = store;
        this.directory = directory;
        this.clock = clock;
    }

    public Registration register(ClientMetadata metadata) {
        ClientSecret secret = ClientSecret.generate();
        String registrationToken = Secrets.random256();
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        RegisteredClient client = new RegisteredClient(Secrets.random128(), secret.hash(),
                Secrets.hash(registrationToken), metadata, now);
        store.insert(client);
        directory.invalidate(client.clientId());
        return new Registration(client, secret, registrationToken);
    }

    /** RFC 7592 §2.1. */
    public RegisteredClient read(String clientId, String registrationToken) {
        return authorize(clientId, registrationToken);
    }

    /**
     * RFC 7592 §2.2: the metadata is replaced as a whole, but with the client's own registration
     * access token only within what it holds ({@link ClientMetadata#requireWithin}): a client
     * cannot grant itself scopes, grants, resources or lifetimes nobody gave it.
     */
    public RegisteredClient update(String clientId, String registrationToken, ClientMetadata metadata) {
        RegisteredClient current = authorize(clientId, registrationToken);
        metadata.requireWithin(current.metadata());
        return replace(current, metadata);
    }

    /**
     * The same update made by whoever holds the initial access token (the registrant): it may
     * also widen, within the server's limits, which the caller has already checked the metadata against.
     */
    public RegisteredClient updateAsRegistrant(String clientId, ClientMetadata metadata) {
        RegisteredClient current = store.find(clientId).orElseThrow(ClientRegistrar::invalidToken);
        return replace(current, metadata);
    }

    /** The client as the registrant (initial access token holder) reads it; absent is invalid_token, as in {@link #read}. */
    public RegisteredClient readAsRegistrant(String clientId) {
        return store.find(clientId).orElseThrow(ClientRegistrar::invalidToken);
    }

    private RegisteredClient replace(RegisteredClient current, ClientMetadata metadata) {
        RegisteredClient updated = current.withMetadata(metadata);
        if (!store.update(updated, clock.instant())) {
            throw invalidToken();
        }
        directory.invalidate(current.clientId());
        return updated;
    }

    /** RFC 7592 §2.3: the client and every token issued to it stop working. */
    public void delete(String clientId, String registrationToken) {
        authorize(clientId, registrationToken);
        store.delete(clientId, clock.instant());
        directory.invalidate(clientId);
    }

    // RFC 7592 §2.1-2.3: an unknown client or a wrong token both get 401 invalid_token, so the
    // answer does not tell whether the client exists.
    private RegisteredClient authorize(String clientId, String registrationToken) {
        RegisteredClient client = store.find(clientId).orElse(null);
        if (client == null || registrationToken == null
                || !Secrets.matchesHash(registrationToken, client.registrationTokenHash())) {
            throw invalidToken();
        }
        return client;
    }

    private static RuntimeException invalidToken() {
        return OAuthError.INVALID_TOKEN.toException("The registration access token is not valid for this client");
    }
}
