package dev.latchkey.core.store.record;

import java.time.Instant;

/**
 * A signing key at rest: the public JWK in clear, the private JWK sealed under the master key.
 * A key signs from {@code activatesAt}; it is published from {@code createdAt}. Its {@code purpose}
 * ({@link #ACCESS} or {@link #ID_TOKEN}) puts it in one of two rings, each rotated on its own.
 */
public record StoredKey(String kid, String algorithm, String publicJwk, byte[] sealedPrivateJwk,
        Instant createdAt, Instant activatesAt, String purpose) {

    /** Signs access tokens. */
    public static final String ACCESS = "access";
    /** Signs OpenID Connect id_tokens. */
    public static final String ID_TOKEN = "id";

    /** A key that signs access tokens. */
    public StoredKey(String kid, String algorithm, String publicJwk, byte[] sealedPrivateJwk, Instant createdAt,
            Instant activatesAt) {
        this(kid, algorithm, publicJwk, sealedPrivateJwk, createdAt, activatesAt, ACCESS);
    }

    @Override
    public String toString() {
        return "StoredKey[kid=" + kid + ", alg=" + algorithm + ", activatesAt=" + activatesAt + "]";
    }
}
