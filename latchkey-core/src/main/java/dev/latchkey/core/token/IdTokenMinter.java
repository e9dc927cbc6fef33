package dev.latchkey.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.core.key.KeyManager;
import dev.latchkey.core.key.KeyRing;
import dev.latchkey.core.key.SigningAlgorithm;
import dev.latchkey.core.secret.AccessToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.Map;

/**
 * Makes OpenID Connect id_tokens (OIDC Core §2): {@code iss sub aud exp iat auth_time nonce at_hash
 * azp}, signed with the client's {@code id_token_signed_response_alg} (RS256 unless it registered
 * another) by a key of the id_token ring, which the JWKS publishes beside the access token keys.
 * Thread-safe.
 */
public final class IdTokenMinter {

    /** An id_token proves a sign-in, briefly: the relying party checks it at once. */
    public static final Duration TTL = Duration.ofMinutes(5);

    private final String issuer;
    private final KeyManager keys;

    public IdTokenMinter(String issuer, KeyManager keys) {
        this.issuer = issuer;
        this.keys = keys;
    }

    /**
     * @param subject     the user's stable opaque id
     * @param accessToken the access token issued with it (for {@code at_hash}, OIDC Core §3.1.3.6)
     * @param claims      further claims (profile, email), may be empty
     */
    public String mint(String clientId, String algorithmName, String subject, Instant authTime, String nonce,
            AccessToken accessToken, Instant now, Map<String, Object> claims) {
        SigningAlgorithm algorithm = SigningAlgorithm.fromName(algorithmName).orElse(SigningAlgorithm.RS256);
        KeyRing.Key key = keys.signingKey(algorithm);
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(subject)
                .audience(clientId)
                .expirationTime(Date.from(now.plus(TTL)))
                .issueTime(Date.from(now))
                .claim("auth_time", authTime.getEpochSecond())
                .claim("azp", clientId)
                .claim("at_hash", atHash(accessToken.value(), algorithm));
        if (nonce != null) {
            builder.claim("nonce", nonce);
        }
        claims.forEach(builder::claim);
        SignedJWT jwt = new SignedJWT(key.header(), builder.build());
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("signing an id_token with key " + key.kid() + " failed", e);
        }
        return jwt.serialize();
    }

    /**
     * OIDC Core §3.1.3.6: the base64url of the left half of the hash of the access token, the hash
     * being the one of the signing algorithm (SHA-256 for RS256 and ES256; SHA-512 for EdDSA, as
     * Ed25519 signs with SHA-512, which Nimbus's validator also expects).
     */
    static String atHash(String accessToken, SigningAlgorithm algorithm) {
        try {
            byte[] digest = MessageDigest.getInstance(algorithm == SigningAlgorithm.EdDSA ? "SHA-512" : "SHA-256")
                    .digest(accessToken.getBytes(StandardCharsets.US_ASCII));
            return Base64URL.encode(Arrays.copyOf(digest, digest.length / 2)).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
