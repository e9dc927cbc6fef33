package dev.latchkey.core.store.record;

import java.time.Instant;

/**
 * A signing key at rest: the public JWK in clear, the private JWK sealed under the master key.
 * A key signs from {@code activatesAt}; it is published from {@code createdAt}.
 */
public record StoredKey(String kid, String algorithm, String publicJwk, byte[] sealedPrivateJwk,
        Instant createdAt, Instant activatesAt) {

    @Override
    public String toString() {
        return "StoredKey[kid=" + kid + ", alg=" + algorithm + ", activatesAt=" + activatesAt + "]";
    }
}
