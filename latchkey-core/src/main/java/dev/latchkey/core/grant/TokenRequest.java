package dev.latchkey.core.grant;

import dev.latchkey.core.client.ClientCredentials;

/** A whole token endpoint request: who the client says it is, and what it asks for. */
public record TokenRequest(ClientCredentials credentials, GrantRequest grant) {
}
