package dev.latchkey.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.core.key.KeyRing;
import dev.latchkey.core.secret.Secrets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Checks that a string is an access token JWT this server signed: compact JWS, {@code typ: at+jwt}
 * (RFC 9068 §4), a published key's kid, the algorithm of that key, a valid signature and our
 * {@code iss}. Expiry and revocation are the caller's to judge.
 *
 * <p>Resource servers introspect the same token again and again, and whether a given string
 * carries a valid signature never changes; so verified tokens are remembered (by the SHA-256 of
 * the token, with the claims and the kid). A remembered token is accepted only while its key is
 * still published, and only verified tokens are remembered, so the cache cannot be filled with
 * garbage. Bounded: when full it is emptied and refills with what is in use. Thread-safe.
 */
public final class JwtVerifier {

    private static final int MAX_REMEMBERED = 10_000;

    private record Verified(JWTClaimsSet claims, String kid) {
    }

    private final IssuerPolicy policy;
    private final Supplier<KeyRing> keys;
    private final Duration maxTokenTtl;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    /**
     * @param keys        the current keys (a {@link dev.latchkey.core.key.KeyManager}'s ring)
     * @param maxTokenTtl how long a retired key still verifies what it signed
     */
    public JwtVerifier(IssuerPolicy policy, Supplier<KeyRing> keys, Duration maxTokenTtl) {
        this.policy = policy;
        this.keys = keys;
        this.maxTokenTtl = maxTokenTtl;
    }

    public static boolean looksLikeJwt(String token) {
        return token.indexOf('.') > 0;
    }

    public Optional<JWTClaimsSet> verify(String token, Instant now) {
        String cacheKey = Secrets.hash(token);
        Verified known = verified.get(cacheKey);
        if (known != null) {
            return keys.get().verificationKey(known.kid(), now, maxTokenTtl).isPresent()
                    ? Optional.of(known.claims()) : Optional.empty();
        }
        Optional<Verified> fresh = verifySignature(token, now);
        fresh.ifPresent(v -> {
            if (verified.size() >= MAX_REMEMBERED) {
                verified.clear();
            }
            verified.put(cacheKey, v);
        });
        return fresh.map(Verified::claims);
    }

    private Optional<Verified> verifySignature(String token, Instant now) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!KeyRing.AT_JWT.equals(jwt.getHeader().getType())) {
                return Optional.empty();
            }
            String kid = jwt.getHeader().getKeyID();
            Optional<KeyRing.Key> key = keys.get().verificationKey(kid, now, maxTokenTtl);
            if (key.isEmpty() || !key.get().algorithm().jws().equals(jwt.getHeader().getAlgorithm())
                    || !jwt.verify(key.get().verifier())) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (!policy.issuer().equals(claims.getIssuer()) || claims.getExpirationTime() == null) {
                return Optional.empty();
            }
            return Optional.of(new Verified(claims, kid));
        } catch (ParseException | JOSEException | IllegalStateException e) {
            return Optional.empty();
        }
    }
}
