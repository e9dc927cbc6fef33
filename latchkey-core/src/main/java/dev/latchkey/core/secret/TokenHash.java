package dev.latchkey.core.secret;

import java.util.Base64;
import java.util.HexFormat;

/**
 * The stored form of an opaque token: SHA-256 of its value, base64url. The store never sees the
 * token itself, so a copy of the database cannot be replayed.
 *
 * <p>A {@linkplain Secrets#timeOrdered256 time-ordered} token's stored form leads with its issue
 * time, in hex so that it sorts as text in every database collation: {@code 0192f3a4b5c6.<hash>}.
 * Tokens issued together then land on the same few pages of the store's primary-key index, where
 * random hashes put each one on a page of its own (BENCHMARKS.md, "Time-ordered token hashes").
 * Tokens issued before keep their plain hash and are found as before.
 */
public record TokenHash(String value) {

    private static final HexFormat HEX = HexFormat.of();

    public static TokenHash of(String token) {
        String hash = Secrets.hash(token);
        if (token.length() == Secrets.TIME_ORDERED_LENGTH) {
            try {
                byte[] time = Base64.getUrlDecoder().decode(token.substring(0, Secrets.TIME_PREFIX_LENGTH));
                return new TokenHash(HEX.formatHex(time) + "." + hash);
            } catch (IllegalArgumentException notOurs) {
                // Not base64url: no token of ours. Its plain hash matches nothing either.
            }
        }
        return new TokenHash(hash);
    }

    @Override
    public String toString() {
        return value;
    }
}
