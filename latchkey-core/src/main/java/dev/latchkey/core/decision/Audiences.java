package dev.latchkey.core.decision;

import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.error.OAuthError;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Turns RFC 8707 resource indicators into a token's audience. Each requested resource must be
 * registered for the client (and, on refresh, granted originally), else {@code invalid_target}
 * (RFC 8707 §2). No resource means the server's default audience.
 */
final class Audiences {

    private static final OAuthError NOT_REGISTERED =
            OAuthError.INVALID_TARGET.withDescription("resource is not registered for this client");

    private final String defaultAudience;

    Audiences(String defaultAudience) {
        this.defaultAudience = defaultAudience;
    }

    /** The refusal of a request naming a resource the client may not have, if it does. */
    Optional<OAuthError> refusal(RegisteredClient client, List<URI> requested, List<URI> allowed) {
        for (URI resource : requested) {
            if (!client.metadata().resources().contains(resource) || !allowed.contains(resource)) {
                return Optional.of(NOT_REGISTERED);
            }
        }
        return Optional.empty();
    }

    List<String> audience(List<URI> resources) {
        return resources.isEmpty() ? List.of(defaultAudience) : resources.stream().map(URI::toString).toList();
    }
}
