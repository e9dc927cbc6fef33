package dev.latchkey.core.key;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** The verifying half of {@link Ed25519JwsSigner}: native where it loads, else on BouncyCastle. Thread-safe. */
public final class Ed25519JwsVerifier implements JWSVerifier {

    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    private final Ed25519PublicKeyParameters publicKey;
    private final JCAContext jcaContext = new JCAContext();
    /** The key as the native provider holds it, once it has loaded; null: BouncyCastle verifies. */
    private final java.util.function.Supplier<java.security.PublicKey> nativeKey;

    public Ed25519JwsVerifier(byte[] publicKeyBytes) {
        this(publicKeyBytes, null);
    }

    /**
     * @param nativeCode true: natively (waits for the native code to load; fails if it does not), false: on
     *                   BouncyCastle (the tests and benchmarks compare both), null: natively once it has loaded
     */
    public Ed25519JwsVerifier(byte[] publicKeyBytes, Boolean nativeCode) {
        this.publicKey = new Ed25519PublicKeyParameters(publicKeyBytes, 0);
        this.nativeKey = NativeSignatures.whenLoaded(() -> NativeSignatures.ed25519Public(publicKey.getEncoded()), nativeCode);
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
        byte[] sig = signature.decode();
        if (!ALGORITHMS.contains(header.getAlgorithm()) || sig.length != Ed25519.SIGNATURE_SIZE) {
            return false;
        }
        java.security.PublicKey fast = nativeKey.get();
        if (fast != null) {
            return NativeSignatures.verifyEd25519(fast, signingInput, sig);
        }
        Ed25519Gate.enter();
        try {
            return publicKey.verify(Ed25519.Algorithm.Ed25519, null, signingInput, 0, signingInput.length, sig, 0);
        } finally {
            Ed25519Gate.leave();
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
