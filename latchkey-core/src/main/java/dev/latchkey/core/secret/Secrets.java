package dev.latchkey.core.secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Random secrets and their hashes. Every token, client secret and registration token Latchkey
 * issues is 256 random bits, base64url without padding (43 characters), and is stored only as its
 * SHA-256. With secrets that strong a slow password hash adds latency and no security.
 *
 * <p>Thread-safe.
 */
public final class Secrets {

    // One generator per thread: the platform default (NativePRNG) serialises every caller on one
    // lock, which the token endpoint's threads queue on. Each DRBG (NIST SP 800-90A Hash_DRBG,
    // seeded from the operating system) is independent and needs no sharing.
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(Secrets::newGenerator);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private Secrets() {
    }

    /** 256 random bits, base64url. */
    public static String random256() {
        return randomBase64(32);
    }

    /** Length of a {@link #timeOrdered256} token. */
    public static final int TIME_ORDERED_LENGTH = 51;
    /** The characters of a {@link #timeOrdered256} token that carry its issue time. */
    static final int TIME_PREFIX_LENGTH = 8;

    /**
     * The issue time (48 bits of epoch milliseconds) then 256 random bits, base64url: 51 characters.
     * For tokens the store keeps: their stored form ({@link TokenHash}) leads with the time, so the
     * tokens a commit writes sit side by side in the store's index instead of one random index page
     * each. The time is no secret (the client learns it from the response anyway); the 256 random
     * bits are the token's strength, as for every other secret here (RFC 6749 §10.10, RFC 6819
     * §5.1.4.2.2).
     */
    public static String timeOrdered256(java.time.Instant issuedAt) {
        return timeOrdered256(issuedAt.toEpochMilli());
    }

    /** {@link #timeOrdered256(java.time.Instant)} for a time in epoch milliseconds. */
    public static String timeOrdered256(long epochMillis) {
        byte[] bytes = randomBytes(38); // the first 6 are then overwritten by the time
        long millis = epochMillis;
        for (int i = 5; i >= 0; i--) {
            bytes[i] = (byte) millis;
            millis >>>= 8;
        }
        return B64.encodeToString(bytes);
    }

    /** 128 random bits, base64url: identifiers (client ids, jti, families), not secrets. */
    public static String random128() {
        return randomBase64(16);
    }

    /**
     * An identifier the store indexes as it is written (token families): 48 bits of epoch
     * milliseconds in hex, so that it sorts as text in every collation, then {@link #random128}; 34
     * characters. Identifiers made together then share the few index pages at the end of the order
     * instead of one random page each (BENCHMARKS.md, "Time-ordered family ids").
     */
    public static String timeOrdered128(java.time.Instant madeAt) {
        return java.util.HexFormat.of().toHexDigits(madeAt.toEpochMilli()).substring(4) + random128();
    }

    public static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.get().nextBytes(bytes);
        return bytes;
    }

    private static String randomBase64(int bytes) {
        return B64.encodeToString(randomBytes(bytes));
    }

    private static SecureRandom newGenerator() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    public static byte[] sha256(String value) {
        return sha256(value.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] sha256(byte[] value) {
        // digest() resets the instance, so each thread reuses one (the provider lookup of
        // MessageDigest.getInstance costs more than hashing a token).
        return SHA256.get().digest(value);
    }

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    });

    /** SHA-256 of the value, base64url: the form secrets are stored and looked up in. */
    public static String hash(String value) {
        return B64.encodeToString(sha256(value));
    }

    /** Constant-time comparison of a presented secret against a stored {@link #hash}. */
    public static boolean matchesHash(String presented, String storedHash) {
        byte[] expected = Base64.getUrlDecoder().decode(storedHash);
        return MessageDigest.isEqual(sha256(presented), expected);
    }

    /** A short, non-reversible label for a secret, safe to print: {@code sha256:1a2b3c4d}. */
    public static String fingerprint(String value) {
        if (value == null) {
            return "null";
        }
        return "sha256:" + HexFormat.of().formatHex(sha256(value), 0, 4);
    }
}
