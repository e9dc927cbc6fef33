package dev.latchkey.core.client;

import java.time.Instant;

/**
 * A client as the server keeps it: its id, the SHA-256 of its secret and of its RFC 7592
 * registration access token, and its metadata. Holds no secret, so it prints safely.
 */
public record RegisteredClient(
        String clientId,
        String secretHash,
        String registrationTokenHash,
        ClientMetadata metadata,
        Instant issuedAt) {

    public RegisteredClient withMetadata(ClientMetadata newMetadata) {
        return new RegisteredClient(clientId, secretHash, registrationTokenHash, newMetadata, issuedAt);
    }
}
