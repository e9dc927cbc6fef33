package dev.latchkey.core.grant;

import dev.latchkey.core.scope.Scope;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * A token request's grant, parsed from the HTTP form by the server: one record per grant type.
 * {@code scope} is empty when the request named none; {@code resources} are RFC 8707 indicators.
 */
public sealed interface GrantRequest permits ClientCredentialsGrant, RefreshTokenGrant {

    Optional<Scope> scope();

    List<URI> resources();
}
