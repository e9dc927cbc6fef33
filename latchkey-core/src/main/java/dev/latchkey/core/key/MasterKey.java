package dev.latchkey.core.key;

import dev.latchkey.core.secret.Secrets;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that seals secrets at rest: private signing keys and, for the length of a reuse grace
 * window, a rotated refresh token's successor. AES-256-GCM with a random 96-bit nonce per message;
 * the associated data binds a ciphertext to the row it belongs to, so it cannot be moved to another.
 *
 * <p>Sealed form: {@code nonce(12) || ciphertext || tag(16)}. Thread-safe. Prints no key material.
 */
public final class MasterKey {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;

    private MasterKey(byte[] bytes) {
        if (bytes.length != 32) {
            throw new IllegalArgumentException("a master key is 32 bytes (256 bits), base64 encoded");
        }
        this.key = new SecretKeySpec(bytes, "AES");
    }

    public static MasterKey generate() {
        return new MasterKey(Secrets.randomBytes(32));
    }

    /** Parses the base64 (standard or url-safe) form written by {@link #encoded()}. */
    public static MasterKey parse(String encoded) {
        String trimmed = encoded.trim();
        try {
            return new MasterKey(Base64.getDecoder().decode(trimmed));
        } catch (IllegalArgumentException notStandard) {
            try {
                return new MasterKey(Base64.getUrlDecoder().decode(trimmed));
            } catch (IllegalArgumentException notUrlSafe) {
                throw new IllegalArgumentException("a master key is 32 bytes (256 bits), base64 encoded");
            }
        }
    }

    /** The base64 form, for the key file; never log it. */
    public String encoded() {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /**
     * A key of its own for one purpose, the same on every node that shares this master key:
     * HMAC-SHA256 of the purpose's name under this key (a PRF, as HKDF-Expand uses it).
     */
    public byte[] derive(String purpose) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return mac.doFinal(("latchkey-derive:" + purpose).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing", e);
        }
    }

    public byte[] seal(byte[] plaintext, byte[] associatedData) {
        byte[] nonce = Secrets.randomBytes(NONCE_BYTES);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java platform", e);
        }
    }

    /**
     * @throws IllegalStateException if the data was sealed under another key, for other associated
     *                               data, or altered
     */
    public byte[] open(byte[] sealed, byte[] associatedData) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealed data does not open under this master key", e);
        }
    }

    @Override
    public String toString() {
        return "MasterKey[" + Secrets.fingerprint(encoded()) + "]";
    }
}
