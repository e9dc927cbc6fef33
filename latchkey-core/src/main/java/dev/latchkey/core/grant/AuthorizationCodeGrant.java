package dev.latchkey.core.grant;

import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.TokenHash;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * RFC 6749 §4.1.3: {@code grant_type=authorization_code}, {@code code}, {@code redirect_uri}, and
 * the RFC 7636 §4.5 {@code code_verifier}. Holds the code's hash only, so it prints safely.
 *
 * @param codeVerifier empty if the request sent none (refused: every code has a challenge)
 */
public record AuthorizationCodeGrant(TokenHash code, String redirectUri, Optional<String> codeVerifier,
        List<URI> resources) implements GrantRequest {

    public AuthorizationCodeGrant {
        resources = List.copyOf(resources);
    }

    /** The scope comes from the code: a token request cannot change it (RFC 6749 §4.1.3). */
    @Override
    public Optional<Scope> scope() {
        return Optional.empty();
    }

    @Override
    public GrantType type() {
        return GrantType.AUTHORIZATION_CODE;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.authorizationCode(this);
    }
}
