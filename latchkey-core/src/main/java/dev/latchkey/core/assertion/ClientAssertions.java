package dev.latchkey.core.assertion;

import dev.latchkey.core.client.ClientCredentials;
import dev.latchkey.core.client.RegisteredClient;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.error.OAuthException;
import dev.latchkey.core.key.Ed25519JwsVerifier;
import dev.latchkey.core.key.Es256JwsVerifier;
import dev.latchkey.core.secret.TokenHash;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Checks a client assertion ({@code private_key_jwt}, RFC 7523 §2.2 and §3, OIDC Core §9) over values:
 * the JWT, the client's public keys and the time. The rules: signed with an allowed algorithm (EdDSA,
 * ES256, PS256, RS256: never {@code none}, never HMAC, whose key a public key would be) by a key of the
 * client's; {@code iss} and {@code sub} the client id; {@code aud} the issuer or the endpoint's URL;
 * {@code exp} present, in the future and at most 5 minutes after {@code iat} (from now without one, RFC
 * 7523 §3 making {@code iat} optional); {@code jti} present (its
 * single use is the store's to enforce, across nodes); 60 s of clock leeway. Every failure is
 * {@code invalid_client}, with no detail of which rule failed beyond what the client can fix.
 */
public final class ClientAssertions {

    /** The grant type of a client assertion (RFC 7523 §2.2). */
    public static final String TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    public static final List<JWSAlgorithm> ALGORITHMS =
            List.of(JWSAlgorithm.EdDSA, JWSAlgorithm.ES256, JWSAlgorithm.PS256, JWSAlgorithm.RS256);
    /** The clock skew allowed either way on the times of a JWT Latchkey receives (also {@code ExternalJwts}). */
    public static final Duration LEEWAY = Duration.ofSeconds(60);
    static final Duration MAX_LIFETIME = Duration.ofMinutes(5);

    /** A valid assertion: its {@code jti}, hashed, and until when it must be remembered as spent. */
    public record Verified(TokenHash jti, Instant rememberUntil) {
    }

    private ClientAssertions() {
    }

    /** The {@code sub} an assertion names, unverified: the client id when the request gives none. */
    public static Optional<String> subject(String assertion) {
        try {
            return Optional.ofNullable(parsed(assertion).claims().getSubject());
        } catch (java.text.ParseException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The key ids an assertion's header names (none: null). */
    public static String keyId(String assertion) {
        try {
            return parsed(assertion).jwt().getHeader().getKeyID();
        } catch (java.text.ParseException | RuntimeException e) {
            return null;
        }
    }

    private record Parsed(String text, SignedJWT jwt, JWTClaimsSet claims) {
    }

    /**
     * The last assertion this thread parsed. A request reads its assertion's {@code sub}, then its key
     * id, then verifies it, usually on one thread: parsed once instead of three times (decoding and
     * parsing the JWT was a fifth of the token endpoint's CPU with private_key_jwt; BENCHMARKS.md,
     * "Native signatures"). Matched by identity, so only the very same request's text is ever reused.
     */
    private static final ThreadLocal<Parsed> LAST = new ThreadLocal<>();

    private static Parsed parsed(String assertion) throws java.text.ParseException {
        Parsed last = LAST.get();
        if (last != null && last.text() == assertion) {
            return last;
        }
        SignedJWT jwt = SignedJWT.parse(assertion);
        Parsed parsed = new Parsed(assertion, jwt, jwt.getJWTClaimsSet());
        LAST.set(parsed);
        return parsed;
    }

    public static Verified verify(ClientCredentials credentials, RegisteredClient client, JWKSet keys, Instant now) {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            Parsed parsed = parsed(credentials.assertion());
            jwt = parsed.jwt();
            claims = parsed.claims();
        } catch (java.text.ParseException | RuntimeException e) {
            throw failed("client_assertion is not a signed JWT");
        }
        JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
        if (!ALGORITHMS.contains(algorithm)) {
            throw failed("client_assertion must be signed with EdDSA, ES256, PS256 or RS256");
        }
        if (!signedBy(jwt, keys)) {
            throw failed("client_assertion is not signed by a key the client registered");
        }
        String clientId = client.clientId();
        if (!clientId.equals(claims.getIssuer()) || !clientId.equals(claims.getSubject())) {
            throw failed("client_assertion iss and sub must be the client id");
        }
        List<String> audience = claims.getAudience();
        if (audience == null || audience.stream().noneMatch(credentials.audiences()::contains)) {
            throw failed("client_assertion aud must be the issuer or this endpoint's URL");
        }
        Instant expires = claims.getExpirationTime() == null ? null : claims.getExpirationTime().toInstant();
        Instant issued = claims.getIssueTime() == null ? null : claims.getIssueTime().toInstant();
        if (expires == null) {
            throw failed("client_assertion needs exp");
        }
        if (!now.isBefore(expires.plus(LEEWAY))) {
            throw failed("client_assertion has expired");
        }
        // RFC 7523 §3 makes iat optional: without it, exp may be at most 5 minutes from now.
        Instant from = issued == null ? now : issued;
        if (from.isAfter(now.plus(LEEWAY)) || Duration.between(from, expires).compareTo(MAX_LIFETIME.plus(
                issued == null ? LEEWAY : Duration.ZERO)) > 0) {
            throw failed("client_assertion may live at most 5 minutes from its iat");
        }
        if (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().toInstant().isAfter(now.plus(LEEWAY))) {
            throw failed("client_assertion is not valid yet");
        }
        String jti = claims.getJWTID();
        if (jti == null || jti.isBlank() || jti.length() > 256) {
            throw failed("client_assertion needs a jti");
        }
        return new Verified(TokenHash.of(clientId + "\u0000" + jti), expires.plus(LEEWAY));
    }

    /**
     * Whether one of {@code keys} (the one its {@code kid} names, when it names one) verifies the JWT's
     * signature with the algorithm of its header, which the caller has allowed.
     */
    public static boolean signedBy(SignedJWT jwt, JWKSet keys) {
        JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
        String kid = jwt.getHeader().getKeyID();
        for (JWK key : keys.getKeys()) {
            if (kid != null && key.getKeyID() != null && !kid.equals(key.getKeyID())) {
                continue;
            }
            Optional<JWSVerifier> verifier = verifier(key, algorithm);
            try {
                if (verifier.isPresent() && jwt.verify(verifier.get())) {
                    return true;
                }
            } catch (com.nimbusds.jose.JOSEException | RuntimeException e) {
                // not this key
            }
        }
        return false;
    }

    /**
     * A verifier for {@code key} and {@code algorithm}, or empty if the key cannot verify it. Kept per
     * key (a client signs every assertion and proof with the same one), so a key is parsed, its point
     * validated and, for ES256, BouncyCastle's multiplication tables built once rather than per request.
     */
    static Optional<JWSVerifier> verifier(JWK key, JWSAlgorithm algorithm) {
        if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(algorithm.getName())) {
            return Optional.empty();
        }
        Optional<JWSVerifier> known = VERIFIERS.get(key);
        if (known == null) {
            known = newVerifier(key);
            if (VERIFIERS.size() >= MAX_VERIFIERS) {
                VERIFIERS.clear(); // a flood of one-off keys costs what no cache costs, and no memory
            }
            VERIFIERS.put(key, known);
        }
        return known.filter(verifier -> verifier.supportedJWSAlgorithms().contains(algorithm));
    }

    private static final int MAX_VERIFIERS = 10_000;
    private static final java.util.Map<JWK, Optional<JWSVerifier>> VERIFIERS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static Optional<JWSVerifier> newVerifier(JWK key) {
        try {
            if (key instanceof OctetKeyPair okp && com.nimbusds.jose.jwk.Curve.Ed25519.equals(okp.getCurve())) {
                return Optional.of(new Ed25519JwsVerifier(okp.getDecodedX()));
            }
            if (key instanceof ECKey ec) {
                return Optional.of(new Es256JwsVerifier(ec));
            }
            if (key instanceof RSAKey rsa) {
                return Optional.of(dev.latchkey.core.key.NativeSignatures.rsaVerifier(rsa)); // RS256 and PS256
            }
        } catch (com.nimbusds.jose.JOSEException | IllegalArgumentException e) {
            return Optional.empty(); // a key that cannot verify: the signature fails
        }
        return Optional.empty();
    }

    private static OAuthException failed(String description) {
        return OAuthError.INVALID_CLIENT.toException(description);
    }
}
