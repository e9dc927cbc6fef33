package dev.latchkey.core.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * The JWS algorithms Latchkey signs access tokens with: EdDSA (Ed25519, the default), ES256
 * (P-256) and RS256 (RSA 2048). Each knows how to make a key and its signer and verifier.
 */
public enum SigningAlgorithm {
    EdDSA(JWSAlgorithm.EdDSA),
    ES256(JWSAlgorithm.ES256),
    RS256(JWSAlgorithm.RS256);

    private final JWSAlgorithm jws;

    SigningAlgorithm(JWSAlgorithm jws) {
        this.jws = jws;
    }

    public JWSAlgorithm jws() {
        return jws;
    }

    public static Optional<SigningAlgorithm> fromName(String name) {
        return Arrays.stream(values()).filter(a -> a.name().equalsIgnoreCase(name)).findFirst();
    }

    /** A new private JWK with {@code use=sig}, {@code alg} and a kid that is its RFC 7638 thumbprint. */
    public JWK generate() {
        try {
            JWK key = switch (this) {
                case EdDSA -> {
                    Ed25519PrivateKeyParameters privateKey = new Ed25519PrivateKeyParameters(new SecureRandom());
                    yield new OctetKeyPair.Builder(Curve.Ed25519,
                            Base64URL.encode(privateKey.generatePublicKey().getEncoded()))
                            .d(Base64URL.encode(privateKey.getEncoded()))
                            .build();
                }
                case ES256 -> new ECKeyGenerator(Curve.P_256).generate();
                case RS256 -> new RSAKeyGenerator(2048).generate();
            };
            String kid = key.computeThumbprint().toString();
            return withIdentity(key, kid);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a " + name() + " key", e);
        }
    }

    private JWK withIdentity(JWK key, String kid) {
        if (key instanceof OctetKeyPair okp) {
            return new OctetKeyPair.Builder(okp).keyID(kid).algorithm(jws).keyUse(KeyUse.SIGNATURE).build();
        }
        if (key instanceof ECKey ec) {
            return new ECKey.Builder(ec).keyID(kid).algorithm(jws).keyUse(KeyUse.SIGNATURE).build();
        }
        return new RSAKey.Builder((RSAKey) key).keyID(kid).algorithm(jws).keyUse(KeyUse.SIGNATURE).build();
    }

    public JWSSigner signer(JWK privateKey) {
        try {
            return switch (this) {
                case EdDSA -> new Ed25519JwsSigner(privateKey.toOctetKeyPair().getDecodedD());
                // Natively where the native code loads: the JDK takes about 0.6 ms (ES256) and 1 ms (RS256) a signature.
                case ES256 -> NativeSignatures.preferNative(new ECDSASigner(privateKey.toECKey()),
                        () -> NativeSignatures.es256Signer(privateKey.toECKey()));
                case RS256 -> NativeSignatures.preferNative(new RSASSASigner(privateKey.toRSAKey()),
                        () -> NativeSignatures.rs256Signer(privateKey.toRSAKey()));
            };
        } catch (JOSEException e) {
            throw new IllegalStateException("unusable " + name() + " key " + privateKey.getKeyID(), e);
        }
    }

    public JWSVerifier verifier(JWK publicKey) {
        try {
            return switch (this) {
                case EdDSA -> new Ed25519JwsVerifier(publicKey.toOctetKeyPair().getDecodedX());
                case ES256 -> new Es256JwsVerifier(publicKey.toECKey());
                case RS256 -> NativeSignatures.rsaVerifier(publicKey.toRSAKey());
            };
        } catch (JOSEException e) {
            throw new IllegalStateException("unusable " + name() + " key " + publicKey.getKeyID(), e);
        }
    }
}
