package dev.latchkey.core.client;

import java.time.Instant;
import java.util.List;

/**
 * A client application as the server keeps it: its id, its secrets (SHA-256 only, up to
 * {@link #MAX_LIVE_SECRETS} live at once), the SHA-256 of its RFC 7592 registration access token,
 * its metadata, its owner (a dashboard account, or null for a client registered over RFC 7591
 * without one), whether it is disabled, and when it was last used. Holds no secret, so it prints
 * safely. Immutable.
 */
public record RegisteredClient(
        String clientId,
        List<StoredSecret> secrets,
        String registrationTokenHash,
        ClientMetadata metadata,
        Instant issuedAt,
        String ownerId,
        boolean disabled,
        Instant lastUsedAt) {

    /** Secrets that authenticate at once: a rotation's overlap needs two, a third covers a mistake. */
    public static final int MAX_LIVE_SECRETS = 3;

    public RegisteredClient {
        secrets = List.copyOf(secrets);
    }

    /** A new client with one secret, or none for a public client ({@code secret} null). */
    public static RegisteredClient registered(String clientId, StoredSecret secret, String registrationTokenHash,
            ClientMetadata metadata, Instant issuedAt, String ownerId) {
        return new RegisteredClient(clientId, secret == null ? List.of() : List.of(secret), registrationTokenHash, metadata, issuedAt, ownerId,
                false, null);
    }

    public RegisteredClient withMetadata(ClientMetadata newMetadata) {
        return new RegisteredClient(clientId, secrets, registrationTokenHash, newMetadata, issuedAt, ownerId, disabled,
                lastUsedAt);
    }

    public RegisteredClient withSecrets(List<StoredSecret> newSecrets) {
        return new RegisteredClient(clientId, newSecrets, registrationTokenHash, metadata, issuedAt, ownerId, disabled,
                lastUsedAt);
    }

    public RegisteredClient withDisabled(boolean isDisabled) {
        return new RegisteredClient(clientId, secrets, registrationTokenHash, metadata, issuedAt, ownerId, isDisabled,
                lastUsedAt);
    }

    public RegisteredClient withOwner(String newOwner) {
        return new RegisteredClient(clientId, secrets, registrationTokenHash, metadata, issuedAt, newOwner, disabled,
                lastUsedAt);
    }

    /** A public client (RFC 6749 §2.1): it authenticates with nothing but its id. */
    public boolean isPublic() {
        return metadata.authMethod() == AuthMethod.NONE;
    }

    /** The secrets that authenticate at {@code now}. */
    public List<StoredSecret> liveSecrets(Instant now) {
        return secrets.stream().filter(secret -> secret.isLive(now)).toList();
    }
}
