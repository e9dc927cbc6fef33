package dev.latchkey.core.federation;

import com.nimbusds.jose.jwk.JWKSet;
import java.net.URI;
import java.util.List;

/**
 * An external issuer whose JWTs the operator trusts (workload identity federation): its {@code iss},
 * where its keys are ({@code jwksUri}, https or loopback http) or the keys themselves
 * ({@code jwks}), the {@code aud} values its tokens must carry one of (empty: Latchkey's issuer or
 * token endpoint URL, RFC 7523 §3), and its rules, first match per client winning. Immutable.
 */
public record TrustedIssuer(String issuer, URI jwksUri, JWKSet jwks, List<String> audiences, List<FederationRule> rules) {

    public TrustedIssuer {
        audiences = List.copyOf(audiences);
        rules = List.copyOf(rules);
    }
}
