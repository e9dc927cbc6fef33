package dev.latchkey.core.authorize;

import dev.latchkey.core.secret.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Proof Key for Code Exchange, RFC 7636, with {@code S256} only: {@code plain} gives no protection
 * against a code stolen with its request (RFC 9700 §2.1.1). Thread-safe.
 */
public final class Pkce {

    /** RFC 7636 §4.1: 43 to 128 characters of {@code [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"}. */
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9\\-._~]{43,128}");
    /** RFC 7636 §4.2: BASE64URL(SHA256(verifier)) is 43 characters. */
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9\\-_]{43}");

    private Pkce() {
    }

    public static boolean isChallenge(String challenge) {
        return challenge != null && CHALLENGE.matcher(challenge).matches();
    }

    public static boolean isVerifier(String verifier) {
        return verifier != null && VERIFIER.matcher(verifier).matches();
    }

    /** RFC 7636 §4.6: BASE64URL-ENCODE(SHA256(ASCII(code_verifier))) == code_challenge, in constant time. */
    public static boolean matches(String verifier, String challenge) {
        if (!isVerifier(verifier) || challenge == null) {
            return false;
        }
        String computed = Base64.getUrlEncoder().withoutPadding().encodeToString(Secrets.sha256(verifier));
        return MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII),
                challenge.getBytes(StandardCharsets.US_ASCII));
    }

    /** The S256 challenge of a verifier (for clients and tests). */
    public static String challenge(String verifier) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Secrets.sha256(verifier));
    }
}
