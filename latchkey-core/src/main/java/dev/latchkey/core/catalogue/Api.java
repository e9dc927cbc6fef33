package dev.latchkey.core.catalogue;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * A resource server, as in Auth0's APIs: what client applications ask tokens for. Its identifier
 * is the JWT {@code aud} and the RFC 8707 {@code resource} that names it; its scopes are what
 * clients may be allowed.
 */
public record Api(String apiId, String name, URI identifier, String description, Instant createdAt,
        List<ApiScope> scopes) {

    public Api {
        scopes = List.copyOf(scopes);
    }

    public Api withScopes(List<ApiScope> newScopes) {
        return new Api(apiId, name, identifier, description, createdAt, newScopes);
    }
}
