package dev.latchkey.core.grant;

import dev.latchkey.core.scope.Scope;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * RFC 8693 §2.1: {@code grant_type=urn:ietf:params:oauth:grant-type:token-exchange} with a
 * {@code subject_token}, an optional {@code actor_token}, the {@code audience} and {@code resource}
 * the new token is for, and an optional narrower {@code scope}. Each presented token is a Latchkey
 * access token ({@link #ACCESS_TOKEN_TYPE}) or a JWT of a trusted external issuer ({@link #JWT_TYPE},
 * {@link #ID_TOKEN_TYPE}: workload identity federation); an access token is issued. Holds tokens:
 * toString names none.
 */
public record TokenExchangeGrant(String subjectToken, String subjectTokenType, String actorToken,
        String actorTokenType, List<String> audiences, Optional<Scope> scope, List<URI> resources)
        implements GrantRequest {

    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
    /** RFC 8693 §3: the token type identifier of an OAuth access token. */
    public static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    /** RFC 8693 §3: a JWT; here, one from a trusted external issuer. */
    public static final String JWT_TYPE = "urn:ietf:params:oauth:token-type:jwt";
    /** RFC 8693 §3: an OpenID Connect ID token; here, one from a trusted external issuer. */
    public static final String ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
    /** The token types a presented token may have. */
    public static final List<String> PRESENTED_TYPES = List.of(ACCESS_TOKEN_TYPE, JWT_TYPE, ID_TOKEN_TYPE);

    public TokenExchangeGrant {
        audiences = List.copyOf(audiences);
        resources = List.copyOf(resources);
    }

    /** Whether a presented token of this type is a trusted external issuer's JWT rather than a Latchkey token. */
    public static boolean isExternal(String tokenType) {
        return JWT_TYPE.equals(tokenType) || ID_TOKEN_TYPE.equals(tokenType);
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
