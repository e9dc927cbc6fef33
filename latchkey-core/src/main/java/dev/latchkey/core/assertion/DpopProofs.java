package dev.latchkey.core.assertion;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.error.OAuthException;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.secret.Confirmation;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks a DPoP proof (RFC 9449 §4.3) over values: the {@code DPoP} header's JWT, the request's
 * method and URL, the nonce rule and the time. A proof is valid when it is a JWT with {@code typ}
 * {@code dpop+jwt}; signed with an allowed asymmetric algorithm (EdDSA, ES256, PS256, RS256) by the
 * public key its {@code jwk} header carries (a private key there is refused); its {@code htm} is
 * the request's method and its {@code htu} the request's URL without query and fragment, both
 * normalized (RFC 3986 §6.2.2, §6.2.3) before they are compared; its {@code iat} within 60 s of now
 * either way; its {@code jti} present (single use is the store's to enforce, across nodes); its
 * {@code nonce} one the server gave, when one is required; and, at a protected resource, its
 * {@code ath} the hash of the access token presented (§4.3 check 12). Every failure is
 * {@code invalid_dpop_proof}; a missing or stale nonce is {@code use_dpop_nonce} (§8).
 *
 * <p>Wire example of a proof's header and claims:
 * <pre>{"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC","crv":"P-256","x":"...","y":"..."}}
 *{"jti":"-BwC3ESc6acc2lTc","htm":"POST","htu":"https://server.example.com/oauth2/token","iat":1562262616}</pre>
 * Thread-safe (stateless).
 */
public final class DpopProofs {

    public static final JOSEObjectType TYPE = new JOSEObjectType("dpop+jwt");
    public static final List<JWSAlgorithm> ALGORITHMS = ClientAssertions.ALGORITHMS;
    /** How far a proof's {@code iat} may lie from now, either way; its jti is remembered as long. */
    public static final Duration WINDOW = Duration.ofSeconds(60);
    static final int MAX_PROOF_CHARS = 8192;
    private static final int MAX_KEYS = 10_000;
    private static final java.util.Map<String, ProofKey> KEYS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A valid proof: the key it proves ({@code cnf.jkt}, RFC 7638 thumbprint) and its {@code jti},
     * hashed with that key, to be spent once until {@code rememberUntil}.
     */
    public record Verified(Confirmation key, TokenHash jti, Instant rememberUntil) {
    }

    /** The server's nonces, when proofs must carry one. */
    public interface NonceRule {
        boolean accepts(String nonce);

        /** The nonce to send in {@code DPoP-Nonce} with a {@code use_dpop_nonce} error. */
        String current();
    }

    private DpopProofs() {
    }

    /**
     * @param method      the request's method
     * @param target      the URL the request was sent to (its public form, the issuer's)
     * @param nonces      the nonce rule, or null when no nonce is required
     * @param accessToken the access token the request presents with the proof, or null (the token endpoint)
     */
    public static Verified verify(String proof, String method, URI target, NonceRule nonces, String accessToken,
            Instant now) {
        if (proof == null || proof.isEmpty() || proof.length() > MAX_PROOF_CHARS) {
            throw invalid("The DPoP header must hold one proof JWT");
        }
        int first = proof.indexOf('.');
        int second = first < 0 ? -1 : proof.indexOf('.', first + 1);
        if (second < 0 || proof.indexOf('.', second + 1) >= 0) {
            throw invalid("The DPoP proof is not a signed JWT");
        }
        String headerPart = proof.substring(0, first);
        ProofKey key = KEYS.get(headerPart);
        if (key == null) {
            key = ProofKey.of(headerPart);
            if (KEYS.size() >= MAX_KEYS) {
                KEYS.clear(); // a flood of one-off keys costs what no cache costs, and no memory
            }
            KEYS.put(headerPart, key);
        }
        JWTClaimsSet claims;
        boolean signed;
        try {
            claims = JWTClaimsSet.parse(new Base64URL(proof.substring(first + 1, second)).decodeToString());
            signed = key.verifier().verify(key.header(), proof.substring(0, second).getBytes(StandardCharsets.US_ASCII),
                    new Base64URL(proof.substring(second + 1)));
        } catch (java.text.ParseException | JOSEException | RuntimeException e) {
            throw invalid("The DPoP proof is not a signed JWT");
        }
        if (!signed) {
            throw invalid("The DPoP proof's signature does not verify with its jwk");
        }
        Object htm = claims.getClaim("htm");
        if (!(htm instanceof String presented) || !presented.equals(method)) {
            throw invalid("The DPoP proof's htm must be " + method);
        }
        Object htu = claims.getClaim("htu");
        if (!(htu instanceof String presentedUrl) || !normalized(presentedUrl).equals(normalized(target.toString()))) {
            throw invalid("The DPoP proof's htu must be " + normalized(target.toString()));
        }
        Date iat = claims.getIssueTime();
        if (iat == null) {
            throw invalid("The DPoP proof needs iat");
        }
        Instant issued = iat.toInstant();
        if (issued.isBefore(now.minus(WINDOW)) || issued.isAfter(now.plus(WINDOW))) {
            throw invalid("The DPoP proof's iat must be within " + WINDOW.toSeconds() + " s of the server's time");
        }
        String jti = claims.getJWTID();
        if (jti == null || jti.isBlank() || jti.length() > 256) {
            throw invalid("The DPoP proof needs a jti");
        }
        if (accessToken != null) {
            Object ath = claims.getClaim("ath");
            if (!(ath instanceof String hash) || !MessageDigest.isEqual(hash.getBytes(StandardCharsets.US_ASCII),
                    accessTokenHash(accessToken).getBytes(StandardCharsets.US_ASCII))) {
                throw invalid("The DPoP proof's ath must be the hash of the access token presented");
            }
        }
        if (nonces != null) {
            Object nonce = claims.getClaim("nonce");
            if (!(nonce instanceof String given) || !nonces.accepts(given)) {
                throw new OAuthException(OAuthError.USE_DPOP_NONCE.withDescription(
                        "Sign the DPoP proof again with the nonce of the DPoP-Nonce header"), 0, nonces.current());
            }
        }
        // jti is unique per key (RFC 9449 §11.1): spent under the thumbprint, so no other key's proof collides.
        // Remembered while some node could accept the proof: until WINDOW after its iat (the same for a
        // replay, whenever it comes; the purge allows for the nodes' clocks).
        return new Verified(key.confirmation(), TokenHash.of("dpop\u0000" + key.confirmation().thumbprint() + "\u0000"
                + jti), issued.plus(WINDOW).plusSeconds(1));
    }

    /**
     * A proof's header, checked once and kept by its encoded form: a client signs every proof with
     * the same key, so the header (typ, alg, jwk) repeats, and parsing the key, validating its point,
     * building its verifier and hashing its thumbprint are done once per key rather than per request.
     */
    private record ProofKey(JWSHeader header, JWSVerifier verifier, Confirmation confirmation) {

        static ProofKey of(String encodedHeader) {
            JWSHeader header;
            try {
                header = JWSHeader.parse(new Base64URL(encodedHeader));
            } catch (java.text.ParseException | RuntimeException e) {
                throw invalid("The DPoP proof is not a signed JWT");
            }
            if (!TYPE.equals(header.getType())) {
                throw invalid("The DPoP proof's typ must be dpop+jwt");
            }
            JWSAlgorithm algorithm = header.getAlgorithm();
            if (!ALGORITHMS.contains(algorithm)) {
                throw invalid("The DPoP proof must be signed with EdDSA, ES256, PS256 or RS256");
            }
            JWK key = header.getJWK();
            if (key == null) {
                throw invalid("The DPoP proof's header must carry the public key as jwk");
            }
            if (key.isPrivate()) {
                throw invalid("The DPoP proof's jwk must be a public key, not a private one");
            }
            if (!strongEnough(key)) {
                throw invalid("The DPoP proof's key must be Ed25519, P-256 or RSA of at least 2048 bits");
            }
            Optional<JWSVerifier> verifier = ClientAssertions.verifier(key, algorithm);
            if (verifier.isEmpty()) {
                throw invalid("The DPoP proof's jwk cannot verify " + algorithm);
            }
            try {
                return new ProofKey(header, verifier.get(), Confirmation.dpop(key.computeThumbprint("SHA-256")
                        .toString()));
            } catch (JOSEException e) {
                throw invalid("The DPoP proof's jwk has no thumbprint");
            }
        }
    }

    /** RFC 9449 §4.2 {@code ath}: base64url of the SHA-256 of the access token's ASCII value. */
    public static String accessTokenHash(String accessToken) {
        try {
            return Base64URL.encode(MessageDigest.getInstance("SHA-256")
                    .digest(accessToken.getBytes(StandardCharsets.US_ASCII))).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    private static boolean strongEnough(JWK key) {
        return key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())
                || key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())
                || key instanceof RSAKey rsa && rsa.size() >= 2048;
    }

    /**
     * A URL for comparison (RFC 9449 §4.3 check 9): without query and fragment; scheme and host in
     * lower case, the scheme's default port left out, dot segments removed, an empty path as "/".
     */
    static String normalized(String url) {
        try {
            URI uri = new URI(url).normalize();
            if (uri.getScheme() == null || uri.getRawAuthority() == null || uri.getHost() == null) {
                return "\u0000invalid";
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort = port == -1 || scheme.equals("https") && port == 443 || scheme.equals("http") && port == 80;
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port) + path;
        } catch (URISyntaxException e) {
            return "\u0000invalid";
        }
    }

    private static OAuthException invalid(String description) {
        return OAuthError.INVALID_DPOP_PROOF.toException(description);
    }
}
