package dev.latchkey.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import dev.latchkey.core.key.SigningAlgorithm;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One JWS signature over a typical access token's signing input, by each implementation Latchkey
 * could use. Decides which signer the token endpoint uses (DESIGN.md: "sign with the fastest correct one").
 * {@code eddsaNative}, {@code es256Token} and {@code rs256Token} are what the server signs with: natively
 * where the native code loads; run with {@code LATCHKEY_NATIVE_CRYPTO=false} for the portable ones.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SigningBenchmark {

    private byte[] input;
    private JWSHeader eddsa;
    private JWSSigner bouncyCastle;
    private JWSSigner nativeCode;
    private JWSSigner nimbusTink;
    private KeyPair jdkKeys;
    private JWSSigner es256;
    private JWSSigner rs256;

    @Setup
    public void setUp() throws Exception {
        dev.latchkey.core.key.NativeSignatures.awaitProvider(); // measure the steady state, not the load
        input = ("eyJraWQiOiJhYmMiLCJ0eXAiOiJhdCtqd3QiLCJhbGciOiJFZERTQSJ9."
                + "eyJzdWIiOiJjbGllbnQiLCJhdWQiOiJodHRwczovL2FwaS5leGFtcGxlLmNvbSIsInNjb3BlIjoicmVhZCB3cml0ZSIsImlzcyI6"
                + "Imh0dHBzOi8vYXV0aC5leGFtcGxlLmNvbSIsImV4cCI6MTc2NzIyOTIwMCwiaWF0IjoxNzY3MjI1NjAwLCJqdGkiOiJhYmNkZWYi"
                + "LCJjbGllbnRfaWQiOiJjbGllbnQifQ").getBytes(StandardCharsets.US_ASCII);
        eddsa = new JWSHeader(JWSAlgorithm.EdDSA);
        OctetKeyPair okp = SigningAlgorithm.EdDSA.generate().toOctetKeyPair();
        bouncyCastle = new dev.latchkey.core.key.Ed25519JwsSigner(okp.getDecodedD(), false);
        // What the token endpoint signs with: natively where the native code loads (else BouncyCastle again).
        nativeCode = SigningAlgorithm.EdDSA.signer(okp);
        nimbusTink = new Ed25519Signer(okp);
        jdkKeys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        es256 = SigningAlgorithm.ES256.signer(SigningAlgorithm.ES256.generate());
        rs256 = SigningAlgorithm.RS256.signer(SigningAlgorithm.RS256.generate());
    }

    @Benchmark
    public Base64URL eddsaBouncyCastle() throws Exception {
        return bouncyCastle.sign(eddsa, input);
    }

    @Benchmark
    public Base64URL eddsaNative() throws Exception {
        return nativeCode.sign(eddsa, input);
    }

    @Benchmark
    public Base64URL eddsaNimbusTink() throws Exception {
        return nimbusTink.sign(eddsa, input);
    }

    @Benchmark
    public byte[] eddsaJdk() throws Exception {
        Signature signature = Signature.getInstance("Ed25519");
        signature.initSign(jdkKeys.getPrivate());
        signature.update(input);
        return signature.sign();
    }

    @Benchmark
    public Base64URL es256Token() throws Exception {
        return es256.sign(new JWSHeader(JWSAlgorithm.ES256), input);
    }

    @Benchmark
    public Base64URL rs256Token() throws Exception {
        return rs256.sign(new JWSHeader(JWSAlgorithm.RS256), input);
    }
}
