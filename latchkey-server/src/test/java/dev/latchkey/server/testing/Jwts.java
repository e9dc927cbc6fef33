package dev.latchkey.server.testing;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import java.util.Set;

/**
 * Verifies access tokens the way an independent resource server would: Nimbus JOSE (with Tink for
 * Ed25519) against the JWKS fetched from the server, then the RFC 9068 type and claims.
 * (Nimbus's DefaultJWTProcessor cannot select OKP keys, so the steps are spelled out here.)
 */
public final class Jwts {

    private Jwts() {
    }

    public static JWTClaimsSet verify(Endpoint server, String token, JWSAlgorithm algorithm) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        if (!new JOSEObjectType("at+jwt").equals(jwt.getHeader().getType())) {
            throw new AssertionError("typ is not at+jwt: " + jwt.getHeader().getType());
        }
        if (!algorithm.equals(jwt.getHeader().getAlgorithm())) {
            throw new AssertionError("alg is " + jwt.getHeader().getAlgorithm());
        }
        JWKSet keys = JWKSet.load(server.uri("/oauth2/jwks").toURL());
        JWK key = keys.getKeyByKeyId(jwt.getHeader().getKeyID());
        if (key == null) {
            throw new AssertionError("kid " + jwt.getHeader().getKeyID() + " is not in the JWKS");
        }
        JWSVerifier verifier = switch (key.getKeyType().getValue()) {
            case "OKP" -> new Ed25519Verifier(key.toOctetKeyPair());
            case "EC" -> new ECDSAVerifier(key.toECKey());
            default -> new RSASSAVerifier(key.toRSAKey());
        };
        if (!jwt.verify(verifier)) {
            throw new AssertionError("signature does not verify");
        }
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        new DefaultJWTClaimsVerifier<>(null, new JWTClaimsSet.Builder().issuer(server.issuer()).build(),
                Set.of("iss", "sub", "aud", "exp", "iat", "jti", "client_id")).verify(claims, null);
        return claims;
    }
}
