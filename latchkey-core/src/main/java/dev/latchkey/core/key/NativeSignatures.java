package dev.latchkey.core.key;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ed25519 signatures and ES256 verification in native code: AWS-LC, through the Amazon Corretto
 * Crypto Provider, used for these operations only (it is never installed as a JCA provider, so TLS
 * and everything else keep the JDK's). About three times faster than BouncyCastle at signing an
 * access token and twice as fast at checking a client assertion or DPoP proof (BENCHMARKS.md, "Native
 * signatures"). Where its library does not load (another OS or CPU, a read-only temporary directory),
 * fails its start-up self test (RFC 8032 §7.1, test 1), or {@code LATCHKEY_NATIVE_CRYPTO=false} turns it
 * off, {@link #provider()} is null and the callers use BouncyCastle. Thread-safe: each thread has its
 * own {@link Signature} objects.
 */
public final class NativeSignatures {

    private static final Logger LOG = LoggerFactory.getLogger(NativeSignatures.class);
    /** DER prefixes that wrap a raw Ed25519 key as PKCS#8 and X.509 SubjectPublicKeyInfo (RFC 8410 §7, §4). */
    private static final byte[] ED25519_PKCS8 = HexFormat.of().parseHex("302e020100300506032b657004220420");
    private static final byte[] ED25519_X509 = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final Provider PROVIDER = load();

    private static final ThreadLocal<Signature> ED25519 = ThreadLocal.withInitial(() -> signature("Ed25519"));
    private static final ThreadLocal<Signature> ES256 = ThreadLocal.withInitial(() -> signature("SHA256withECDSA"));

    private NativeSignatures() {
    }

    /** The native provider, or null: use BouncyCastle. */
    public static Provider provider() {
        return PROVIDER;
    }

    // The native provider has no Ed25519 key factory: it takes the JDK's keys.
    static PrivateKey ed25519Private(byte[] seed) {
        return key(() -> KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(concat(ED25519_PKCS8, seed))));
    }

    static PublicKey ed25519Public(byte[] x) {
        return key(() -> KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(concat(ED25519_X509, x))));
    }

    /** A P-256 public key (already validated by the caller), as the native provider holds it. */
    static PublicKey ecPublic(PublicKey jdkKey) {
        return key(() -> KeyFactory.getInstance("EC", PROVIDER).generatePublic(new X509EncodedKeySpec(jdkKey.getEncoded())));
    }

    /** A signer of this server's ES256 tokens, with the native provider (only for RS256 and ES256: it is not asked for PS256). */
    static com.nimbusds.jose.JWSSigner es256Signer(com.nimbusds.jose.jwk.ECKey key) throws com.nimbusds.jose.JOSEException {
        byte[] encoded = key.toECPrivateKey().getEncoded();
        PrivateKey held = key(() -> KeyFactory.getInstance("EC", PROVIDER).generatePrivate(new PKCS8EncodedKeySpec(encoded)));
        com.nimbusds.jose.crypto.ECDSASigner signer = new com.nimbusds.jose.crypto.ECDSASigner(held,
                com.nimbusds.jose.jwk.Curve.P_256);
        signer.getJCAContext().setProvider(PROVIDER);
        return signer;
    }

    static com.nimbusds.jose.JWSSigner rs256Signer(com.nimbusds.jose.jwk.RSAKey key) throws com.nimbusds.jose.JOSEException {
        byte[] encoded = key.toRSAPrivateKey().getEncoded();
        PrivateKey held = key(() -> KeyFactory.getInstance("RSA", PROVIDER).generatePrivate(new PKCS8EncodedKeySpec(encoded)));
        com.nimbusds.jose.crypto.RSASSASigner signer = new com.nimbusds.jose.crypto.RSASSASigner(held);
        signer.getJCAContext().setProvider(PROVIDER);
        return signer;
    }

    /**
     * A verifier of RSA signatures: RS256 natively (about twice as fast as the JDK), PS256 and anything
     * else by the JDK, so that no algorithm depends on what the native provider names or offers.
     */
    public static com.nimbusds.jose.JWSVerifier rsaVerifier(com.nimbusds.jose.jwk.RSAKey key)
            throws com.nimbusds.jose.JOSEException {
        com.nimbusds.jose.crypto.RSASSAVerifier portable = new com.nimbusds.jose.crypto.RSASSAVerifier(key);
        if (PROVIDER == null) {
            return portable;
        }
        byte[] encoded = key.toRSAPublicKey().getEncoded();
        PublicKey held = key(() -> KeyFactory.getInstance("RSA", PROVIDER).generatePublic(new X509EncodedKeySpec(encoded)));
        com.nimbusds.jose.crypto.RSASSAVerifier fast = new com.nimbusds.jose.crypto.RSASSAVerifier(
                (java.security.interfaces.RSAPublicKey) held);
        fast.getJCAContext().setProvider(PROVIDER);
        return new com.nimbusds.jose.JWSVerifier() {
            @Override
            public boolean verify(com.nimbusds.jose.JWSHeader header, byte[] input, com.nimbusds.jose.util.Base64URL signature)
                    throws com.nimbusds.jose.JOSEException {
                return (com.nimbusds.jose.JWSAlgorithm.RS256.equals(header.getAlgorithm()) ? fast : portable)
                        .verify(header, input, signature);
            }

            @Override
            public java.util.Set<com.nimbusds.jose.JWSAlgorithm> supportedJWSAlgorithms() {
                return portable.supportedJWSAlgorithms();
            }

            @Override
            public com.nimbusds.jose.jca.JCAContext getJCAContext() {
                return portable.getJCAContext();
            }
        };
    }

    static byte[] signEd25519(PrivateKey key, byte[] input) throws GeneralSecurityException {
        Signature signer = ED25519.get();
        signer.initSign(key);
        signer.update(input);
        return signer.sign();
    }

    static boolean verifyEd25519(PublicKey key, byte[] input, byte[] signature) {
        return verify(ED25519.get(), key, input, signature);
    }

    /** @param der the ECDSA signature as DER (the JOSE R || S transcoded) */
    static boolean verifyEs256(PublicKey key, byte[] input, byte[] der) {
        return verify(ES256.get(), key, input, der);
    }

    private static boolean verify(Signature verifier, PublicKey key, byte[] input, byte[] signature) {
        try {
            verifier.initVerify(key);
            verifier.update(input);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // a malformed signature is a failed one
        }
    }

    private interface KeyMaker<K> {
        K make() throws GeneralSecurityException;
    }

    private static <K> K key(KeyMaker<K> maker) {
        try {
            return maker.make();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the native provider refused the key", e);
        }
    }

    private static Signature signature(String algorithm) {
        try {
            return Signature.getInstance(algorithm, PROVIDER);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the native provider lost " + algorithm, e);
        }
    }

    private static byte[] concat(byte[] prefix, byte[] key) {
        byte[] all = Arrays.copyOf(prefix, prefix.length + key.length);
        System.arraycopy(key, 0, all, prefix.length, key.length);
        return all;
    }

    private static Provider load() {
        if ("false".equalsIgnoreCase(System.getenv("LATCHKEY_NATIVE_CRYPTO"))) {
            LOG.info("Native signatures are off (LATCHKEY_NATIVE_CRYPTO=false): BouncyCastle signs and verifies");
            return null;
        }
        try {
            Provider provider = AmazonCorrettoCryptoProvider.INSTANCE;
            Throwable error = AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError();
            if (error != null) {
                LOG.info("Native signatures are unavailable here ({}): BouncyCastle signs and verifies", error.toString());
                return null;
            }
            selfTest(provider);
            LOG.info("Native signatures: AWS-LC through {} (Ed25519, ES256, RS256)", provider.getInfo());
            return provider;
        } catch (LinkageError | RuntimeException | GeneralSecurityException e) {
            LOG.info("Native signatures are unavailable here ({}): BouncyCastle signs and verifies", e.toString());
            return null;
        }
    }

    /** RFC 8032 §7.1, TEST 1: the empty message under its secret key must give exactly its signature. */
    private static void selfTest(Provider provider) throws GeneralSecurityException {
        HexFormat hex = HexFormat.of();
        byte[] seed = hex.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        byte[] expected = hex.parseHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        Signature signer = Signature.getInstance("Ed25519", provider);
        signer.initSign(KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(concat(ED25519_PKCS8, seed))));
        if (!Arrays.equals(signer.sign(), expected)) {
            throw new GeneralSecurityException("the native Ed25519 signature differs from RFC 8032's test vector");
        }
    }
}
