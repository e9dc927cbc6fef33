package dev.latchkey.core.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The native signatures agree with BouncyCastle exactly: the same Ed25519 signature for every key and
 * message (Ed25519 is deterministic), each side accepting the other's, and the same refusals of
 * tampered, truncated and out-of-range signatures. On Linux x86-64 (where this is built and shipped)
 * the native code must actually load, or the speed it is here for would be lost without a word.
 */
class NativeSignaturesTest {

    private static final JWSHeader EDDSA = new JWSHeader(JWSAlgorithm.EdDSA);
    private static final JWSHeader ES256 = new JWSHeader(JWSAlgorithm.ES256);
    private static final BigInteger P256_ORDER =
            new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    private static boolean nativeLoaded() {
        return NativeSignatures.awaitProvider() != null;
    }

    @Test
    void theNativeCodeLoadsOnTheBuildPlatform() {
        assumeThat(System.getProperty("os.name")).isEqualTo("Linux");
        assumeThat(System.getProperty("os.arch")).isIn("amd64", "x86_64");
        assumeThat(System.getenv("LATCHKEY_NATIVE_CRYPTO")).isNotEqualToIgnoringCase("false");
        assertThat(NativeSignatures.awaitProvider()).as("AWS-LC through ACCP").isNotNull();
    }

    @Property(tries = 200)
    void ed25519SignaturesAreIdenticalAndCrossVerify(@ForAll @Size(32) byte[] seed, @ForAll @Size(max = 600) byte[] message)
            throws Exception {
        assumeThat(nativeLoaded()).isTrue();
        Base64URL fast = new Ed25519JwsSigner(seed, true).sign(EDDSA, message);
        Base64URL portable = new Ed25519JwsSigner(seed, false).sign(EDDSA, message);
        assertThat(fast).isEqualTo(portable);
        byte[] publicKey = new org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters(seed, 0).generatePublicKey()
                .getEncoded();
        assertThat(new Ed25519JwsVerifier(publicKey, true).verify(EDDSA, message, portable)).isTrue();
        assertThat(new Ed25519JwsVerifier(publicKey, false).verify(EDDSA, message, fast)).isTrue();
    }

    @Test
    void bothRefuseTheSameBrokenEd25519Signatures() throws Exception {
        assumeThat(nativeLoaded()).isTrue();
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        byte[] message = "header.payload".getBytes(StandardCharsets.US_ASCII);
        byte[] signature = new Ed25519JwsSigner(seed, false).sign(EDDSA, message).decode();
        byte[] publicKey = new org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters(seed, 0).generatePublicKey()
                .getEncoded();
        byte[] flipped = signature.clone();
        flipped[5] ^= 1;
        byte[] otherMessage = "header.payloaD".getBytes(StandardCharsets.US_ASCII);
        for (boolean nativeCode : new boolean[] {true, false}) {
            Ed25519JwsVerifier verifier = new Ed25519JwsVerifier(publicKey, nativeCode);
            assertThat(verifier.verify(EDDSA, message, Base64URL.encode(flipped))).isFalse();
            assertThat(verifier.verify(EDDSA, otherMessage, Base64URL.encode(signature))).isFalse();
            assertThat(verifier.verify(EDDSA, message, Base64URL.encode(Arrays.copyOf(signature, 63)))).isFalse();
            assertThat(verifier.verify(EDDSA, message, Base64URL.encode(new byte[64]))).isFalse();
            assertThat(verifier.verify(ES256, message, Base64URL.encode(signature))).as("another algorithm").isFalse();
        }
    }

    @Test
    void es256FromTheJdkIsAcceptedAndBrokenOnesRefusedByBoth() throws Exception {
        assumeThat(nativeLoaded()).isTrue();
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        ECKey other = new ECKeyGenerator(Curve.P_256).generate();
        ECDSASigner signer = new ECDSASigner(key);
        for (int i = 0; i < 20; i++) {
            byte[] message = ("header.payload-" + i).getBytes(StandardCharsets.US_ASCII);
            byte[] signature = signer.sign(ES256, message).decode();
            byte[] flipped = signature.clone();
            flipped[40] ^= 1;
            byte[] zeroR = signature.clone();
            Arrays.fill(zeroR, 0, 32, (byte) 0);
            byte[] sAtOrder = signature.clone();
            System.arraycopy(unsigned32(P256_ORDER), 0, sAtOrder, 32, 32);
            byte[] highS = signature.clone();
            System.arraycopy(unsigned32(P256_ORDER.subtract(new BigInteger(1, Arrays.copyOfRange(signature, 32, 64)))),
                    0, highS, 32, 32);
            for (boolean nativeCode : new boolean[] {true, false}) {
                Es256JwsVerifier verifier = new Es256JwsVerifier(key.toPublicJWK(), nativeCode);
                assertThat(verifier.verify(ES256, message, Base64URL.encode(signature))).isTrue();
                assertThat(verifier.verify(ES256, message, Base64URL.encode(highS)))
                        .as("(r, n - s) is as valid as (r, s) in ECDSA, on both").isTrue();
                assertThat(verifier.verify(ES256, message, Base64URL.encode(flipped))).isFalse();
                assertThat(verifier.verify(ES256, message, Base64URL.encode(zeroR))).isFalse();
                assertThat(verifier.verify(ES256, message, Base64URL.encode(sAtOrder))).isFalse();
                assertThat(verifier.verify(ES256, message, Base64URL.encode(Arrays.copyOf(signature, 63)))).isFalse();
                assertThat(verifier.verify(EDDSA, message, Base64URL.encode(signature))).isFalse();
                assertThat(new Es256JwsVerifier(other.toPublicJWK(), nativeCode)
                        .verify(ES256, message, Base64URL.encode(signature))).as("another key").isFalse();
            }
        }
    }

    @Test
    void whileTheNativeCodeLoadsTheSameSignaturesComeFromThePortableCode() throws Exception {
        assumeThat(nativeLoaded()).isTrue();
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        byte[] message = "header.payload".getBytes(StandardCharsets.US_ASCII);
        // Made before and used after the load: natively now, the very signature BouncyCastle gives.
        Ed25519JwsSigner automatic = new Ed25519JwsSigner(seed);
        assertThat(automatic.sign(EDDSA, message)).isEqualTo(new Ed25519JwsSigner(seed, false).sign(EDDSA, message));
    }

    @Test
    void tokensSignedNativelyWithEs256AndRs256AreVerifiedByTheJdkAndTheOtherWayRound() throws Exception {
        assumeThat(nativeLoaded()).isTrue();
        for (SigningAlgorithm algorithm : new SigningAlgorithm[] {SigningAlgorithm.ES256, SigningAlgorithm.RS256}) {
            com.nimbusds.jose.jwk.JWK key = algorithm.generate();
            JWSHeader header = new JWSHeader(algorithm.jws());
            byte[] message = ("header.payload-" + algorithm).getBytes(StandardCharsets.US_ASCII);
            Base64URL fast = algorithm.signer(key).sign(header, message);
            com.nimbusds.jose.JWSVerifier jdk = algorithm == SigningAlgorithm.ES256
                    ? new com.nimbusds.jose.crypto.ECDSAVerifier(key.toECKey().toPublicJWK())
                    : new com.nimbusds.jose.crypto.RSASSAVerifier(key.toRSAKey().toPublicJWK());
            assertThat(jdk.verify(header, message, fast)).as(algorithm + " native, then the JDK").isTrue();
            Base64URL portable = (algorithm == SigningAlgorithm.ES256 ? new ECDSASigner(key.toECKey())
                    : new com.nimbusds.jose.crypto.RSASSASigner(key.toRSAKey())).sign(header, message);
            com.nimbusds.jose.JWSVerifier ours = algorithm.verifier(key.toPublicJWK());
            assertThat(ours.verify(header, message, portable)).as(algorithm + " the JDK, then ours").isTrue();
            byte[] tampered = message.clone();
            tampered[0] ^= 1;
            assertThat(ours.verify(header, tampered, portable)).isFalse();
        }
    }

    @Test
    void aClientsRsaKeyVerifiesRs256NativelyAndPs256WithTheJdk() throws Exception {
        com.nimbusds.jose.jwk.RSAKey key = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).generate();
        com.nimbusds.jose.JWSVerifier verifier = NativeSignatures.rsaVerifier(key.toPublicJWK());
        com.nimbusds.jose.crypto.RSASSASigner signer = new com.nimbusds.jose.crypto.RSASSASigner(key);
        byte[] message = "header.payload".getBytes(StandardCharsets.US_ASCII);
        byte[] other = "header.payloaD".getBytes(StandardCharsets.US_ASCII);
        for (JWSAlgorithm algorithm : new JWSAlgorithm[] {JWSAlgorithm.RS256, JWSAlgorithm.PS256}) {
            JWSHeader header = new JWSHeader(algorithm);
            Base64URL signature = signer.sign(header, message);
            assertThat(verifier.verify(header, message, signature)).as(algorithm.getName()).isTrue();
            assertThat(verifier.verify(header, other, signature)).as(algorithm + " over other bytes").isFalse();
        }
        Base64URL rs256 = signer.sign(new JWSHeader(JWSAlgorithm.RS256), message);
        assertThat(verifier.verify(new JWSHeader(JWSAlgorithm.PS256), message, rs256))
                .as("an RS256 signature is no PS256 one").isFalse();
    }

    private static byte[] unsigned32(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] fixed = new byte[32];
        int length = Math.min(32, bytes.length);
        System.arraycopy(bytes, bytes.length - length, fixed, 32 - length, length);
        return fixed;
    }
}
