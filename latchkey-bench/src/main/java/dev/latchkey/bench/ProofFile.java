package dev.latchkey.bench;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Writes single-use credentials for the load scripts (latchkey-bench/load/pop.sh), one per line, so
 * that wrk can send each once without signing anything itself:
 * <pre>
 *   ProofFile key KEY.json PUBLIC.json [ALG]                 a key for ALG: ES256 (P-256, the default), EdDSA, RS256
 *   ProofFile dpop KEY.json URL COUNT FILES PREFIX           DPoP proofs for POST URL (RFC 9449)
 *   ProofFile assertion KEY.json URL CLIENT_ID COUNT FILES PREFIX   private_key_jwt assertions (RFC 7523)
 * </pre>
 * Lines go round robin to PREFIX.0 .. PREFIX.(FILES-1), one file per wrk thread. Proofs are dated 30 s
 * ahead (a server accepts 60 s either way), so a batch stays valid for 90 s from its making; assertions
 * live 4 minutes. Each is signed with the algorithm of its key. Signing runs on every core.
 */
public final class ProofFile {

    private ProofFile() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "key" -> {
                String algorithm = args.length > 3 ? args[3] : "ES256";
                JWK key = switch (algorithm) {
                    case "ES256" -> new ECKeyGenerator(Curve.P_256).keyID("bench").generate();
                    case "RS256" -> new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("bench").generate();
                    case "EdDSA" -> new com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator(Curve.Ed25519).keyID("bench")
                            .generate();
                    default -> throw new IllegalArgumentException("ES256, RS256 or EdDSA, not " + algorithm);
                };
                Files.writeString(Path.of(args[1]), key.toJSONString());
                Files.writeString(Path.of(args[2]), key.toPublicJWK().toJSONString());
            }
            case "dpop" -> write(JWK.parse(Files.readString(Path.of(args[1]))), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), args[5], (key, i) -> dpop(key, args[2]));
            case "assertion" -> write(JWK.parse(Files.readString(Path.of(args[1]))), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]), args[6], (key, i) -> assertion(key, args[2], args[3]));
            default -> throw new IllegalArgumentException("key, dpop or assertion");
        }
    }

    private interface Maker {
        String make(JWK key, int index) throws Exception;
    }

    private static void write(JWK key, int count, int files, String prefix, Maker maker) throws IOException {
        List<String> lines = IntStream.range(0, count).parallel().mapToObj(i -> {
            try {
                return maker.make(key, i);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        List<BufferedWriter> out = new ArrayList<>();
        for (int f = 0; f < files; f++) {
            out.add(Files.newBufferedWriter(Path.of(prefix + "." + f)));
        }
        for (int i = 0; i < lines.size(); i++) {
            BufferedWriter writer = out.get(i % files);
            writer.write(lines.get(i));
            writer.newLine();
        }
        for (BufferedWriter writer : out) {
            writer.close();
        }
    }

    private static JWSAlgorithm algorithm(JWK key) {
        return key instanceof ECKey ? JWSAlgorithm.ES256 : key instanceof com.nimbusds.jose.jwk.RSAKey
                ? JWSAlgorithm.RS256 : JWSAlgorithm.EdDSA;
    }

    private static com.nimbusds.jose.JWSSigner signer(JWK key) throws Exception {
        if (key instanceof ECKey ec) {
            return signer(ec);
        }
        if (key instanceof com.nimbusds.jose.jwk.RSAKey rsa) {
            return new com.nimbusds.jose.crypto.RSASSASigner(rsa);
        }
        return new dev.latchkey.core.key.Ed25519JwsSigner(key.toOctetKeyPair().getDecodedD(), false);
    }

    private static String dpop(JWK key, String url) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm(key)).type(new JOSEObjectType("dpop+jwt"))
                .jwk(key.toPublicJWK()).build(), new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
                .claim("htm", "POST").claim("htu", url).issueTime(Date.from(Instant.now().plusSeconds(30))).build());
        jwt.sign(signer(key));
        return jwt.serialize();
    }

    /**
     * ES256 signing with BouncyCastle (deterministic k, RFC 6979): the JDK 17 signer costs about 1 ms
     * per signature on the machines we measure on, too slow to make a run's worth of proofs.
     */
    private static com.nimbusds.jose.JWSSigner signer(ECKey key) {
        org.bouncycastle.asn1.x9.X9ECParameters p256 = org.bouncycastle.crypto.ec.CustomNamedCurves.getByName("secp256r1");
        org.bouncycastle.crypto.params.ECPrivateKeyParameters privateKey = new org.bouncycastle.crypto.params
                .ECPrivateKeyParameters(key.getD().decodeToBigInteger(), new org.bouncycastle.crypto.params
                .ECDomainParameters(p256.getCurve(), p256.getG(), p256.getN(), p256.getH()));
        return new com.nimbusds.jose.JWSSigner() {
            @Override
            public com.nimbusds.jose.util.Base64URL sign(JWSHeader header, byte[] input) {
                try {
                    org.bouncycastle.crypto.signers.ECDSASigner ecdsa = new org.bouncycastle.crypto.signers.ECDSASigner(
                            new org.bouncycastle.crypto.signers.HMacDSAKCalculator(
                                    new org.bouncycastle.crypto.digests.SHA256Digest()));
                    ecdsa.init(true, privateKey);
                    java.math.BigInteger[] rs = ecdsa.generateSignature(java.security.MessageDigest
                            .getInstance("SHA-256").digest(input));
                    byte[] out = new byte[64];
                    byte[] r = org.bouncycastle.util.BigIntegers.asUnsignedByteArray(32, rs[0]);
                    byte[] s = org.bouncycastle.util.BigIntegers.asUnsignedByteArray(32, rs[1]);
                    System.arraycopy(r, 0, out, 0, 32);
                    System.arraycopy(s, 0, out, 32, 32);
                    return com.nimbusds.jose.util.Base64URL.encode(out);
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public java.util.Set<JWSAlgorithm> supportedJWSAlgorithms() {
                return java.util.Set.of(JWSAlgorithm.ES256);
            }

            @Override
            public com.nimbusds.jose.jca.JCAContext getJCAContext() {
                return new com.nimbusds.jose.jca.JCAContext();
            }
        };
    }

    private static String assertion(JWK key, String audience, String clientId) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm(key)).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(audience)
                        .jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plusSeconds(240))).build());
        jwt.sign(signer(key));
        return jwt.serialize();
    }
}
