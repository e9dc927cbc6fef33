package dev.latchkey.core.grant;

import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.error.OAuthError;
import java.net.URI;
import java.util.List;

/**
 * Turns RFC 8707 resource indicators into a token's audience. Each requested resource must be
 * registered for the client (and, on refresh, granted originally), else {@code invalid_target}
 * (RFC 8707 §2). No resource means the server's default audience.
 */
final class Audiences {

    private final String defaultAudience;

    Audiences(String defaultAudience) {
        this.defaultAudience = defaultAudience;
    }

    /** Validates a request's resources against the client's registration. */
    List<URI> check(RegisteredClient client, List<URI> requested, List<URI> allowed) {
        for (URI resource : requested) {
            if (!client.metadata().resources().contains(resource) || !allowed.contains(resource)) {
                throw OAuthError.INVALID_TARGET.toException("resource is not registered for this client");
            }
        }
        return requested;
    }

    List<String> audience(List<URI> resources) {
        return resources.isEmpty() ? List.of(defaultAudience) : resources.stream().map(URI::toString).toList();
    }
}
