package dev.latchkey.core.account;

import dev.latchkey.core.secret.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes as PHC strings ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}),
 * with the parameters OWASP puts first (m = 19 MiB, t = 2, p = 1), BouncyCastle's implementation.
 *
 * <p>Each hash takes 19 MiB and tens of milliseconds of a core, so at most {@code permits} run at
 * once: a storm of sign-ins waits (or fails with {@link Busy}) instead of exhausting memory or
 * starving the token endpoint. A hash made with weaker parameters than today's verifies, and
 * {@link #needsRehash} says to store a new one (at the next sign-in, when the password is at hand).
 * Thread-safe.
 */
public final class PasswordHasher {

    /** The cost of a hash: memory in KiB, iterations, lanes. */
    public record Cost(int memoryKib, int iterations, int parallelism) {
        /** OWASP's first choice for Argon2id (Password Storage Cheat Sheet). */
        public static final Cost OWASP = new Cost(19 * 1024, 2, 1);
    }

    /** Too many hashes are running: answer 503 and let the caller retry. */
    public static final class Busy extends RuntimeException {
        Busy() {
            super("too many password checks are running; retry shortly");
        }
    }

    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    private final Cost cost;
    private final Semaphore permits;
    // Verified against when an account does not exist, so that an unknown name costs as much.
    private final String dummy;

    public PasswordHasher(Cost cost, int permits) {
        this.cost = cost;
        this.permits = new Semaphore(Math.max(1, permits), true);
        this.dummy = hash("latchkey-no-such-account".toCharArray());
    }

    /** At most one hash per core at a time, with OWASP's cost. */
    public static PasswordHasher standard() {
        return new PasswordHasher(Cost.OWASP, Runtime.getRuntime().availableProcessors());
    }

    public String hash(char[] password) {
        byte[] salt = Secrets.randomBytes(SALT_BYTES);
        byte[] hash = derive(password, salt, cost, HASH_BYTES);
        return "$argon2id$v=19$m=" + cost.memoryKib() + ",t=" + cost.iterations() + ",p=" + cost.parallelism()
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** True if {@code password} is the one {@code phc} was made from; false for anything malformed. */
    public boolean verify(char[] password, String phc) {
        Parsed parsed = Parsed.of(phc);
        if (parsed == null) {
            return false;
        }
        byte[] actual = derive(password, parsed.salt(), parsed.cost(), parsed.hash().length);
        return MessageDigest.isEqual(actual, parsed.hash());
    }

    /** Spends what a real check spends, for a name that has no account, and answers false. */
    public boolean verifyNothing(char[] password) {
        verify(password, dummy);
        return false;
    }

    /** True if {@code phc} was made with another cost than today's: store a new hash. */
    public boolean needsRehash(String phc) {
        Parsed parsed = Parsed.of(phc);
        return parsed == null || !parsed.cost().equals(cost);
    }

    /** One Argon2id derivation, in a trace span of its own when tracing is on (it is the sign-in's cost). */
    private byte[] derive(char[] password, byte[] salt, Cost with, int length) {
        return dev.latchkey.core.trace.Tracing.inSpan("password.argon2id", () -> deriveNow(password, salt, with, length));
    }

    private byte[] deriveNow(char[] password, byte[] salt, Cost with, int length) {
        try {
            if (!permits.tryAcquire(10, TimeUnit.SECONDS)) {
                throw new Busy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy();
        }
        byte[] secret = toUtf8(password);
        try {
            Argon2BytesGenerator generator = new Argon2BytesGenerator();
            generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withMemoryAsKB(with.memoryKib()).withIterations(with.iterations())
                    .withParallelism(with.parallelism()).withSalt(salt).build());
            byte[] out = new byte[length];
            generator.generateBytes(secret, out);
            return out;
        } finally {
            Arrays.fill(secret, (byte) 0);
            permits.release();
        }
    }

    private static byte[] toUtf8(char[] password) {
        java.nio.ByteBuffer buffer = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password));
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        if (buffer.hasArray()) {
            Arrays.fill(buffer.array(), (byte) 0);
        }
        return bytes;
    }

    /** A PHC string taken apart. */
    private record Parsed(Cost cost, byte[] salt, byte[] hash) {
        static Parsed of(String phc) {
            if (phc == null) {
                return null;
            }
            String[] parts = phc.split("\\$");
            // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
            if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
                return null;
            }
            try {
                int m = 0;
                int t = 0;
                int p = 0;
                for (String parameter : parts[3].split(",")) {
                    String[] pair = parameter.split("=", 2);
                    int value = Integer.parseInt(pair[1]);
                    switch (pair[0]) {
                        case "m" -> m = value;
                        case "t" -> t = value;
                        case "p" -> p = value;
                        default -> {
                            return null;
                        }
                    }
                }
                if (m < 8 || t < 1 || p < 1 || m > 4 * 1024 * 1024) {
                    return null;
                }
                return new Parsed(new Cost(m, t, p), B64D.decode(parts[4]), B64D.decode(parts[5]));
            } catch (RuntimeException malformed) {
                return null;
            }
        }
    }
}
