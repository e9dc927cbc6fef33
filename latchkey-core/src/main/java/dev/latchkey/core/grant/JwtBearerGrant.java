package dev.latchkey.core.grant;

import dev.latchkey.core.scope.Scope;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * RFC 7523 §2.1: {@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer} with an
 * {@code assertion}, a JWT from an issuer the operator trusts (workload identity federation), an
 * optional {@code scope} and RFC 8707 {@code resource}s. {@code identity} is null as parsed and
 * holds what the assertion proved once the server has verified it ({@link #identified}). Holds a
 * credential: toString names none.
 */
public record JwtBearerGrant(String assertion, Optional<Scope> scope, List<URI> resources, FederatedIdentity identity)
        implements GrantRequest {

    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    public JwtBearerGrant {
        resources = List.copyOf(resources);
    }

    public JwtBearerGrant(String assertion, Optional<Scope> scope, List<URI> resources) {
        this(assertion, scope, resources, null);
    }

    /** The same grant, with the identity its verified assertion maps to. */
    public JwtBearerGrant identified(FederatedIdentity verified) {
        return new JwtBearerGrant(assertion, scope, resources, verified);
    }

    @Override
    public GrantType type() {
        return GrantType.JWT_BEARER;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.jwtBearer(this);
    }

    @Override
    public String toString() {
        return "JwtBearerGrant[scope=" + scope + ", resources=" + resources + ", identity=" + identity + "]";
    }
}
