package dev.latchkey.core.federation;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.core.assertion.ClientAssertions;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.error.OAuthException;
import dev.latchkey.core.grant.FederatedIdentity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Checks a JWT from a trusted external issuer over values (the JWT, its issuer's entry and keys, the
 * time) and maps it to a client by the issuer's rules. RFC 7523 §3: {@code iss} a trusted issuer;
 * {@code sub} present; {@code aud} one the issuer's entry lists (by default Latchkey's issuer or token
 * endpoint URL); {@code exp} present and not past; {@code nbf} and {@code iat} not in the future;
 * 60 s of clock leeway; signed with EdDSA, ES256, PS256 or RS256 by one of the issuer's keys (never
 * {@code none}, never HMAC). The {@code jti} is not spent: a workload presents its token (a
 * Kubernetes service-account token, say) many times while it lives (§3 makes replay checks optional).
 * Every failure is an {@link OAuthException} {@code invalid_grant} (RFC 7523 §3.1) saying what to fix.
 */
public final class ExternalJwts {

    private static final Duration LEEWAY = ClientAssertions.LEEWAY;

    private ExternalJwts() {
    }

    /** The unverified {@code iss} and {@code kid} of a JWT, to find its issuer and key; empty if it is none. */
    public static Optional<Header> peek(String jwt) {
        try {
            SignedJWT parsed = SignedJWT.parse(jwt);
            return Optional.of(new Header(parsed.getJWTClaimsSet().getIssuer(), parsed.getHeader().getKeyID()));
        } catch (java.text.ParseException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** What {@link #peek} reads. */
    public record Header(String issuer, String keyId) {
    }

    /**
     * @param audiences what {@code aud} may be when the issuer's entry lists none: Latchkey's issuer and
     *                  token endpoint URL
     * @param forClient the client the token must map to (the request's authenticated client), or null:
     *                  the rules must name exactly one client for it
     */
    public static FederatedIdentity verify(String jwt, TrustedIssuer issuer, JWKSet keys, List<String> audiences,
            String forClient, Instant now) {
        SignedJWT parsed;
        JWTClaimsSet claims;
        try {
            parsed = SignedJWT.parse(jwt);
            claims = parsed.getJWTClaimsSet();
        } catch (java.text.ParseException | RuntimeException e) {
            throw failed("the assertion is not a signed JWT");
        }
        if (!issuer.issuer().equals(claims.getIssuer())) {
            throw failed("the assertion's iss is not a trusted issuer");
        }
        if (!ClientAssertions.ALGORITHMS.contains(parsed.getHeader().getAlgorithm())) {
            throw failed("the assertion must be signed with EdDSA, ES256, PS256 or RS256");
        }
        if (!ClientAssertions.signedBy(parsed, keys)) {
            throw failed("the assertion is not signed by a key of its issuer");
        }
        if (claims.getSubject() == null || claims.getSubject().isBlank()) {
            throw failed("the assertion needs a sub");
        }
        List<String> accepted = issuer.audiences().isEmpty() ? audiences : issuer.audiences();
        if (claims.getAudience() == null || claims.getAudience().stream().noneMatch(accepted::contains)) {
            throw failed("the assertion's aud must be one of " + String.join(", ", accepted));
        }
        if (claims.getExpirationTime() == null) {
            throw failed("the assertion needs exp");
        }
        if (!now.isBefore(claims.getExpirationTime().toInstant().plus(LEEWAY))) {
            throw failed("the assertion has expired");
        }
        if (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().toInstant().isAfter(now.plus(LEEWAY))) {
            throw failed("the assertion is not valid yet (nbf)");
        }
        if (claims.getIssueTime() != null && claims.getIssueTime().toInstant().isAfter(now.plus(LEEWAY))) {
            throw failed("the assertion was issued in the future (iat)");
        }
        return map(issuer, claims, forClient);
    }

    /** The first rule (in the file's order) of the right client that the claims satisfy. */
    private static FederatedIdentity map(TrustedIssuer issuer, JWTClaimsSet claims, String forClient) {
        FederationRule chosen = null;
        for (FederationRule rule : issuer.rules()) {
            if ((forClient == null || forClient.equals(rule.clientId())) && rule.matches(claims.getClaims())) {
                if (chosen != null && !chosen.clientId().equals(rule.clientId())) {
                    throw failed("the assertion matches rules of more than one client: authenticate as the one meant");
                }
                if (chosen == null) {
                    chosen = rule;
                }
            }
        }
        if (chosen == null) {
            throw failed(forClient == null ? "no rule of its issuer maps the assertion to a client"
                    : "no rule of its issuer maps the assertion to this client");
        }
        return new FederatedIdentity(issuer.issuer(), claims.getSubject(), chosen.clientId(), chosen.scope());
    }

    private static OAuthException failed(String description) {
        return OAuthError.INVALID_GRANT.toException(description);
    }
}
