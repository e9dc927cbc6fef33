package dev.latchkey.core.key;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.crypto.impl.ECDSA;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Set;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECPoint;

/**
 * ES256 (ECDSA on P-256 with SHA-256, RFC 7518 §3.4) verified natively ({@link NativeSignatures})
 * where it loads, else with BouncyCastle's P-256 field arithmetic, never the JDK's: on Java 17 the
 * JDK's verification costs about 1.8 ms on the machines we measure on, BouncyCastle's about 0.12 ms
 * and the native one half that (BENCHMARKS.md, "Proofs of possession", "Native signatures"). The key's
 * point is validated once, on construction; BouncyCastle keeps its multiplication tables on the point,
 * so a verifier kept for a key gets faster with use. A signature is the JOSE form, R || S of 32 bytes
 * each; R and S outside [1, n-1] fail. Thread-safe.
 */
public final class Es256JwsVerifier implements JWSVerifier {

    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256);
    private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
    private static final ECDomainParameters DOMAIN = new ECDomainParameters(P256.getCurve(), P256.getG(), P256.getN(),
            P256.getH());

    private final ECPublicKeyParameters publicKey;
    private final JCAContext jcaContext = new JCAContext();
    /** The key as the native provider holds it, once it has loaded; null: BouncyCastle verifies. */
    private final java.util.function.Supplier<java.security.PublicKey> nativeKey;

    /** @throws IllegalArgumentException a key not on P-256, or whose point is not on the curve */
    public Es256JwsVerifier(ECKey key) {
        this(key, null);
    }

    /**
     * @param nativeCode true: natively (waits for the native code to load; fails if it does not), false: on
     *                   BouncyCastle (the tests and benchmarks compare both), null: natively once it has loaded
     */
    public Es256JwsVerifier(ECKey key, Boolean nativeCode) {
        if (!Curve.P_256.equals(key.getCurve())) {
            throw new IllegalArgumentException("ES256 needs a P-256 key");
        }
        ECPoint point = P256.getCurve().validatePoint(key.getX().decodeToBigInteger(), key.getY().decodeToBigInteger());
        this.publicKey = new ECPublicKeyParameters(point, DOMAIN);
        java.security.PublicKey jdkKey;
        try {
            jdkKey = key.toECPublicKey();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalArgumentException("ES256 needs a P-256 key", e);
        }
        this.nativeKey = NativeSignatures.whenLoaded(() -> NativeSignatures.ecPublic(jdkKey), nativeCode);
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
        byte[] sig = signature.decode();
        if (!JWSAlgorithm.ES256.equals(header.getAlgorithm()) || sig.length != 64) {
            return false;
        }
        java.security.PublicKey fast = nativeKey.get();
        if (fast != null) {
            try {
                return NativeSignatures.verifyEs256(fast, signingInput, ECDSA.transcodeSignatureToDER(sig));
            } catch (com.nimbusds.jose.JOSEException e) {
                return false;
            }
        }
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(sig, 0, 32));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, 32, 64));
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, publicKey);
        return verifier.verifySignature(sha256(signingInput), r, s); // checks 1 <= r, s < n
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return ALGORITHMS;
    }

    @Override
    public JCAContext getJCAContext() {
        return jcaContext;
    }
}
