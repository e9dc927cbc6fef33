package dev.latchkey.core.assertion;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server's DPoP nonces (RFC 9449 §8): stateless, so every node that shares the master key
 * issues and accepts the same ones without storing them. A nonce is the number of the current
 * minute and an HMAC of it, base64url: {@code AAAAAAG0hQw.k3Jc...}. One is accepted during the
 * minute it names and the next, so a nonce lives between 60 and 120 s; a client whose nonce has
 * gone stale gets {@code use_dpop_nonce} with the current one (§8.2 suggests exactly this). The
 * current nonce is computed once a minute. Thread-safe.
 */
public final class DpopNonces implements DpopProofs.NonceRule {

    static final long SLOT_SECONDS = 60;
    private static final int MAC_BYTES = 16;

    private record Current(long slot, String nonce) {
    }

    private final SecretKeySpec key;
    private final Clock clock;
    private volatile Current current = new Current(Long.MIN_VALUE, null);

    /** @param key a key of this purpose's own ({@link dev.latchkey.core.key.MasterKey#derive}) */
    public DpopNonces(byte[] key, Clock clock) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
        this.clock = clock;
    }

    @Override
    public String current() {
        long slot = slot();
        Current known = current;
        if (known.slot() != slot) {
            // Two threads may both compute it at the turn of a minute: the same value, harmless.
            known = new Current(slot, nonce(slot));
            current = known;
        }
        return known.nonce();
    }

    @Override
    public boolean accepts(String nonce) {
        if (nonce == null || nonce.length() > 64) {
            return false;
        }
        int dot = nonce.indexOf('.');
        if (dot != 11) {
            return false;
        }
        long named;
        try {
            named = ByteBuffer.wrap(Base64.getUrlDecoder().decode(nonce.substring(0, dot))).getLong();
        } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
            return false;
        }
        long now = slot();
        return (named == now || named == now - 1)
                && MessageDigest.isEqual(nonce.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                nonce(named).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private long slot() {
        return Math.floorDiv(clock.millis() / 1000, SLOT_SECONDS);
    }

    private String nonce(long slot) {
        byte[] number = ByteBuffer.allocate(Long.BYTES).putLong(slot).array();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] tag = java.util.Arrays.copyOf(mac.doFinal(number), MAC_BYTES);
            Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
            return base64.encodeToString(number) + "." + base64.encodeToString(tag);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing", e);
        }
    }
}
