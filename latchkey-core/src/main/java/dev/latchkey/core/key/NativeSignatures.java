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
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signatures in native code: AWS-LC, through the Amazon Corretto Crypto Provider, for Ed25519
 * signing and verification, ES256 verification, RS256 verification, and this server's ES256 and RS256
 * token signatures; used for these operations only (it is never installed as a JCA provider, so TLS
 * and everything else keep the JDK's). About three times faster than BouncyCastle at signing an
 * access token and twice as fast at checking a client assertion or DPoP proof (BENCHMARKS.md, "Native
 * signatures"). Until it has loaded ({@link #startLoading}), and for good where its library does not
 * load (another OS or CPU, a read-only temporary directory), fails its self test (RFC 8032 §7.1, test
 * 1), or {@code LATCHKEY_NATIVE_CRYPTO=false} turns it off, {@link #provider()} is null and the callers
 * use BouncyCastle and the JDK. Thread-safe: each thread has its own {@link Signature} objects.
 */
public final class NativeSignatures {

    private static final Logger LOG = LoggerFactory.getLogger(NativeSignatures.class);
    /** DER prefixes that wrap a raw Ed25519 key as PKCS#8 and X.509 SubjectPublicKeyInfo (RFC 8410 §7, §4). */
    private static final byte[] ED25519_PKCS8 = HexFormat.of().parseHex("302e020100300506032b657004220420");
    private static final byte[] ED25519_X509 = HexFormat.of().parseHex("302a300506032b6570032100");
    /**
     * Loading the native library takes about a quarter of a second: it is loaded on a thread of its own
     * ({@link #startLoading}), and until it is done everything is signed and verified the portable way
     * (the same signatures).
     */
    private static final CompletableFuture<Provider> LOADED = new CompletableFuture<>();
    private static final java.util.concurrent.atomic.AtomicBoolean STARTED = new java.util.concurrent.atomic.AtomicBoolean();

    private static final ThreadLocal<Signature> ED25519 = ThreadLocal.withInitial(() -> signature("Ed25519"));
    private static final ThreadLocal<Signature> ES256 = ThreadLocal.withInitial(() -> signature("SHA256withECDSA"));

    private NativeSignatures() {
    }

    /** The native provider once it has loaded; null while it loads, and if it does not: use the portable code. */
    public static Provider provider() {
        return LOADED.getNow(null);
    }

    /**
     * Starts loading the native code on a thread of its own, once; the server calls it when it is
     * listening, so that neither its start nor its first token waits for the load (it costs about a
     * quarter of a second of CPU, and the start has two cores' worth of its own to do).
     */
    public static void startLoading() {
        if (STARTED.compareAndSet(false, true)) {
            Thread loader = new Thread(() -> LOADED.complete(load()), "latchkey-native-signatures");
            loader.setDaemon(true);
            loader.start();
        }
    }

    /** Loads the native code if no one has yet and waits for it (tests, benchmarks): the provider, or null. */
    public static Provider awaitProvider() {
        startLoading();
        return LOADED.join();
    }

    /**
     * What {@code make} builds with the native provider, once it has loaded: null before, and for good
     * if it does not load. Built once, by whichever thread first finds the provider there.
     *
     * @param nativeCode null: as above; true: now, waiting for the load (a caller that asked for native
     *                   code explicitly; fails if it does not load); false: never (always null)
     */
    static <T> java.util.function.Supplier<T> whenLoaded(java.util.function.Supplier<T> make, Boolean nativeCode) {
        if (Boolean.FALSE.equals(nativeCode)) {
            return () -> null;
        }
        if (nativeCode != null) {
            if (awaitProvider() == null) {
                throw new IllegalStateException("the native signatures did not load here");
            }
            T made = make.get();
            return () -> made;
        }
        return new java.util.function.Supplier<>() {
            private volatile T made;

            @Override
            public T get() {
                T known = made;
                if (known != null || provider() == null) {
                    return known;
                }
                // Two threads may both build it; either result is the same key, so the race is harmless.
                known = make.get();
                made = known;
                return known;
            }
        };
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
        return key(() -> KeyFactory.getInstance("EC", provider()).generatePublic(new X509EncodedKeySpec(jdkKey.getEncoded())));
    }

    /**
     * {@code portable} until the native code has loaded, then what {@code fast} makes (built once):
     * for this server's ES256 and RS256 token signatures (the native provider is never asked for PS256).
     */
    static com.nimbusds.jose.JWSSigner preferNative(com.nimbusds.jose.JWSSigner portable,
            java.util.function.Supplier<com.nimbusds.jose.JWSSigner> fast) {
        java.util.function.Supplier<com.nimbusds.jose.JWSSigner> loaded = whenLoaded(fast, null);
        return new com.nimbusds.jose.JWSSigner() {
            @Override
            public com.nimbusds.jose.util.Base64URL sign(com.nimbusds.jose.JWSHeader header, byte[] input)
                    throws com.nimbusds.jose.JOSEException {
                com.nimbusds.jose.JWSSigner signer = loaded.get();
                return (signer != null ? signer : portable).sign(header, input);
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

    /** A signer of ES256 with the native provider, which must have loaded. */
    static com.nimbusds.jose.JWSSigner es256Signer(com.nimbusds.jose.jwk.ECKey key) {
        try {
            byte[] encoded = key.toECPrivateKey().getEncoded();
            PrivateKey held = key(() -> KeyFactory.getInstance("EC", provider()).generatePrivate(new PKCS8EncodedKeySpec(encoded)));
            com.nimbusds.jose.crypto.ECDSASigner signer = new com.nimbusds.jose.crypto.ECDSASigner(held,
                    com.nimbusds.jose.jwk.Curve.P_256);
            signer.getJCAContext().setProvider(provider());
            return signer;
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalArgumentException("unusable ES256 key", e);
        }
    }

    /** A signer of RS256 with the native provider, which must have loaded. */
    static com.nimbusds.jose.JWSSigner rs256Signer(com.nimbusds.jose.jwk.RSAKey key) {
        try {
            byte[] encoded = key.toRSAPrivateKey().getEncoded();
            PrivateKey held = key(() -> KeyFactory.getInstance("RSA", provider()).generatePrivate(new PKCS8EncodedKeySpec(encoded)));
            com.nimbusds.jose.crypto.RSASSASigner signer = new com.nimbusds.jose.crypto.RSASSASigner(held);
            signer.getJCAContext().setProvider(provider());
            return signer;
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalArgumentException("unusable RS256 key", e);
        }
    }

    /**
     * A verifier of RSA signatures: RS256 natively once the native code has loaded (about twice as fast
     * as the JDK), PS256 and anything else by the JDK, so that no algorithm depends on what the native
     * provider names or offers.
     */
    public static com.nimbusds.jose.JWSVerifier rsaVerifier(com.nimbusds.jose.jwk.RSAKey key)
            throws com.nimbusds.jose.JOSEException {
        com.nimbusds.jose.crypto.RSASSAVerifier portable = new com.nimbusds.jose.crypto.RSASSAVerifier(key);
        byte[] encoded = key.toRSAPublicKey().getEncoded();
        java.util.function.Supplier<com.nimbusds.jose.crypto.RSASSAVerifier> fast = whenLoaded(() -> {
            PublicKey held = key(() -> KeyFactory.getInstance("RSA", provider()).generatePublic(new X509EncodedKeySpec(encoded)));
            com.nimbusds.jose.crypto.RSASSAVerifier verifier = new com.nimbusds.jose.crypto.RSASSAVerifier(
                    (java.security.interfaces.RSAPublicKey) held);
            verifier.getJCAContext().setProvider(provider());
            return verifier;
        }, null);
        return new com.nimbusds.jose.JWSVerifier() {
            @Override
            public boolean verify(com.nimbusds.jose.JWSHeader header, byte[] input, com.nimbusds.jose.util.Base64URL signature)
                    throws com.nimbusds.jose.JOSEException {
                com.nimbusds.jose.crypto.RSASSAVerifier loaded =
                        com.nimbusds.jose.JWSAlgorithm.RS256.equals(header.getAlgorithm()) ? fast.get() : null;
                return (loaded != null ? loaded : portable).verify(header, input, signature);
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
            return Signature.getInstance(algorithm, provider());
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
        signer.initSign(ed25519Private(seed));
        if (!Arrays.equals(signer.sign(), expected)) {
            throw new GeneralSecurityException("the native Ed25519 signature differs from RFC 8032's test vector");
        }
    }
}
