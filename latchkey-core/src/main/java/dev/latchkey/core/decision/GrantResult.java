package dev.latchkey.core.decision;

import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.token.IssuedTokens;

/** The tokens a grant issued, and the client they were issued to (whose profile renders them). */
public record GrantResult(RegisteredClient client, IssuedTokens tokens) {
}
