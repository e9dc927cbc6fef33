package dev.latchkey.core.secret;


/**
 * A client secret (RFC 6749 §2.3.1) as presented or as generated at registration: 256 random bits.
 * Stored only as {@link Secrets#hash SHA-256}; {@link #toString()} prints a fingerprint.
 */
public record ClientSecret(String value) {

    public static ClientSecret generate() {
        return new ClientSecret(Secrets.random256());
    }

    public String hash() {
        return Secrets.hash(value);
    }

    @Override
    public String toString() {
        return "ClientSecret[" + Secrets.fingerprint(value) + "]";
    }
}
