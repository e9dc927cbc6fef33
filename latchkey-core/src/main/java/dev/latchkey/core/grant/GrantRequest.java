package dev.latchkey.core.grant;

import dev.latchkey.core.scope.Scope;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * A token request's grant, parsed from the HTTP form by the server: one record per grant type
 * (RFC 6749 §4.4.2, §6). {@code scope} is empty when the request named none; {@code resources} are
 * RFC 8707 indicators. Immutable.
 *
 * <p>Whoever handles grants does so through a {@link Visitor}: a grant type added here without a
 * handler there does not compile (Java 17 has no exhaustive switch over a sealed interface).
 */
public sealed interface GrantRequest permits ClientCredentialsGrant, RefreshTokenGrant, AuthorizationCodeGrant,
        DeviceCodeGrant, TokenExchangeGrant, JwtBearerGrant {

    Optional<Scope> scope();

    List<URI> resources();

    /** The grant type this request names, as registered by clients. */
    GrantType type();

    <R> R accept(Visitor<R> visitor);

    /** One method per grant type. */
    interface Visitor<R> {
        R clientCredentials(ClientCredentialsGrant grant);

        R refreshToken(RefreshTokenGrant grant);

        R authorizationCode(AuthorizationCodeGrant grant);

        R deviceCode(DeviceCodeGrant grant);

        R tokenExchange(TokenExchangeGrant grant);

        R jwtBearer(JwtBearerGrant grant);
    }
}
