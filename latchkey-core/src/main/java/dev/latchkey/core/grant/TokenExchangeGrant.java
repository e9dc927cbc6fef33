package dev.latchkey.core.grant;

import dev.latchkey.core.scope.Scope;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * RFC 8693 §2.1: {@code grant_type=urn:ietf:params:oauth:grant-type:token-exchange} with a
 * {@code subject_token} (a Latchkey access token), an optional {@code actor_token}, the
 * {@code audience} and {@code resource} the new token is for, and an optional narrower {@code scope}.
 * Only access tokens are exchanged and issued ({@link #ACCESS_TOKEN_TYPE}). Holds tokens: toString
 * names none.
 */
public record TokenExchangeGrant(String subjectToken, String actorToken, List<String> audiences, Optional<Scope> scope,
        List<URI> resources) implements GrantRequest {

    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
    /** RFC 8693 §3: the token type identifier of an OAuth access token. */
    public static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

    public TokenExchangeGrant {
        audiences = List.copyOf(audiences);
        resources = List.copyOf(resources);
    }

    @Override
    public GrantType type() {
        return GrantType.TOKEN_EXCHANGE;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.tokenExchange(this);
    }

    @Override
    public String toString() {
        return "TokenExchangeGrant[audiences=" + audiences + ", actor=" + (actorToken != null) + "]";
    }
}
