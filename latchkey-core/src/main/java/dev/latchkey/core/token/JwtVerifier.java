package dev.latchkey.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.core.key.KeyManager;
import dev.latchkey.core.key.KeyRing;
import java.text.ParseException;
import java.time.Instant;
import java.util.Optional;

/**
 * Checks that a string is an access token JWT this server signed: compact JWS, {@code typ: at+jwt}
 * (RFC 9068 §4), a published key's kid, the algorithm of that key, a valid signature and our
 * {@code iss}. Expiry and revocation are the caller's to judge. Thread-safe.
 */
public final class JwtVerifier {

    private final IssuerPolicy policy;
    private final KeyManager keys;

    public JwtVerifier(IssuerPolicy policy, KeyManager keys) {
        this.policy = policy;
        this.keys = keys;
    }

    public static boolean looksLikeJwt(String token) {
        return token.indexOf('.') > 0;
    }

    public Optional<JWTClaimsSet> verify(String token, Instant now) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!KeyRing.AT_JWT.equals(jwt.getHeader().getType())) {
                return Optional.empty();
            }
            Optional<KeyRing.Key> key = keys.ring().verificationKey(jwt.getHeader().getKeyID(), now, keys.maxTokenTtl());
            if (key.isEmpty() || !key.get().algorithm().jws().equals(jwt.getHeader().getAlgorithm())
                    || !jwt.verify(key.get().verifier())) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (!policy.issuer().equals(claims.getIssuer()) || claims.getExpirationTime() == null) {
                return Optional.empty();
            }
            return Optional.of(claims);
        } catch (ParseException | JOSEException | IllegalStateException e) {
            return Optional.empty();
        }
    }
}
