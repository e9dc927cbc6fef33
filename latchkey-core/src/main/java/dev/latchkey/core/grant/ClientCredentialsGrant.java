package dev.latchkey.core.grant;

import dev.latchkey.core.scope.Scope;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/** RFC 6749 §4.4.2: {@code grant_type=client_credentials}, optional {@code scope}. */
public record ClientCredentialsGrant(Optional<Scope> scope, List<URI> resources) implements GrantRequest {

    public ClientCredentialsGrant {
        resources = List.copyOf(resources);
    }

    @Override
    public GrantType type() {
        return GrantType.CLIENT_CREDENTIALS;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.clientCredentials(this);
    }
}
