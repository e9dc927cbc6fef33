package dev.latchkey.core.grant;

import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.RefreshToken;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/** RFC 6749 §6: {@code grant_type=refresh_token}, {@code refresh_token}, optional narrower {@code scope}. */
public record RefreshTokenGrant(RefreshToken refreshToken, Optional<Scope> scope, List<URI> resources)
        implements GrantRequest {

    public RefreshTokenGrant {
        resources = List.copyOf(resources);
    }

    @Override
    public GrantType type() {
        return GrantType.REFRESH_TOKEN;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.refreshToken(this);
    }
}
