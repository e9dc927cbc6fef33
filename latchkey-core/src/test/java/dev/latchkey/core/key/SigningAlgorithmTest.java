package dev.latchkey.core.key;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SigningAlgorithmTest {

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void generatedKeySignsAndVerifiesAndIsIdentifiedByItsThumbprint(SigningAlgorithm algorithm) throws Exception {
        JWK key = algorithm.generate();
        JWSObject jws = new JWSObject(new JWSHeader(algorithm.jws()), new Payload("hello"));

        jws.sign(algorithm.signer(key));

        assertThat(key.getKeyID()).isEqualTo(key.computeThumbprint().toString());
        assertThat(key.isPrivate()).isTrue();
        assertThat(key.toPublicJWK().isPrivate()).isFalse();
        assertThat(JWSObject.parse(jws.serialize()).verify(algorithm.verifier(key.toPublicJWK()))).isTrue();
        String[] parts = jws.serialize().split("\\.");
        JWSObject tampered = JWSObject.parse(parts[0] + "." + new Payload("hellp").toBase64URL() + "." + parts[2]);
        assertThat(tampered.verify(algorithm.verifier(key.toPublicJWK()))).isFalse();
    }

    /** BouncyCastle's Ed25519 signatures must verify with an independent implementation: the JDK's. */
    @Test
    void ed25519SignatureVerifiesWithTheJdk() throws Exception {
        OctetKeyPair key = SigningAlgorithm.EdDSA.generate().toOctetKeyPair();
        byte[] message = "signing input".getBytes(StandardCharsets.US_ASCII);

        byte[] signature = new Ed25519JwsSigner(key.getDecodedD())
                .sign(new JWSHeader(com.nimbusds.jose.JWSAlgorithm.EdDSA), message).decode();

        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(jdkPublicKey(key.getDecodedX()));
        verifier.update(message);
        assertThat(verifier.verify(signature)).isTrue();
    }

    // RFC 8032 §5.1.3: little-endian y with the sign of x in the top bit.
    private static PublicKey jdkPublicKey(byte[] encoded) throws Exception {
        byte[] reversed = new byte[encoded.length];
        for (int i = 0; i < encoded.length; i++) {
            reversed[i] = encoded[encoded.length - 1 - i];
        }
        boolean xOdd = (reversed[0] & 0x80) != 0;
        reversed[0] &= 0x7F;
        EdECPoint point = new EdECPoint(xOdd, new BigInteger(1, reversed));
        return KeyFactory.getInstance("Ed25519").generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519, point));
    }
}
