package dev.latchkey.core.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An EdDSA (Ed25519, RFC 8037) {@link JWSSigner}: native ({@link NativeSignatures}) where it loads,
 * else on BouncyCastle's lightweight API. Nimbus's own Ed25519 signer goes through Tink; signing is
 * the floor of the token endpoint's cost, and BouncyCastle is about twice as fast as Tink and the
 * native code about three times as fast again (DESIGN.md; BENCHMARKS.md, "Native signatures").
 * Ed25519 is deterministic, so both give the very same signature.
 *
 * <p>Thread-safe: the key bytes are never written.
 */
public final class Ed25519JwsSigner implements JWSSigner {

    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    private final byte[] privateKey;
    private final byte[] publicKey;
    private final JCAContext jcaContext = new JCAContext();
    /** The key as the native provider holds it, once it has loaded; null: BouncyCastle signs. */
    private final java.util.function.Supplier<java.security.PrivateKey> nativeKey;

    public Ed25519JwsSigner(byte[] privateKeyBytes) {
        this(privateKeyBytes, null);
    }

    /**
     * @param nativeCode true: natively (waits for the native code to load; fails if it does not), false: on
     *                   BouncyCastle (the tests and benchmarks compare both), null: natively once it has loaded
     */
    public Ed25519JwsSigner(byte[] privateKeyBytes, Boolean nativeCode) {
        this.privateKey = privateKeyBytes.clone();
        this.publicKey = new Ed25519PrivateKeyParameters(privateKeyBytes, 0).generatePublicKey().getEncoded();
        this.nativeKey = NativeSignatures.whenLoaded(() -> NativeSignatures.ed25519Private(privateKey), nativeCode);
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        if (!ALGORITHMS.contains(header.getAlgorithm())) {
            throw new JOSEException("Ed25519 keys sign only EdDSA, not " + header.getAlgorithm());
        }
        java.security.PrivateKey fast = nativeKey.get();
        if (fast != null) {
            try {
                return Base64URL.encode(NativeSignatures.signEd25519(fast, signingInput));
            } catch (java.security.GeneralSecurityException e) {
                throw new JOSEException("native Ed25519 signing failed", e);
            }
        }
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519Gate.enter();
        try {
            // The raw RFC 8032 call with the public key passed in: Ed25519PrivateKeyParameters.sign
            // re-derives the public key under a lock on every call.
            Ed25519.sign(privateKey, 0, publicKey, 0, signingInput, 0, signingInput.length, signature, 0);
        } finally {
            Ed25519Gate.leave();
        }
        return Base64URL.encode(signature);
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
