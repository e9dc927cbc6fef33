package dev.latchkey.core.secret;

import java.util.Map;

/**
 * The key a sender-constrained token is bound to: its {@code cnf} claim (RFC 7800 §3.1). A DPoP
 * proof's key binds by its JWK SHA-256 thumbprint (RFC 9449 §6.1, {@code "cnf":{"jkt":"0ZcO..."}});
 * a mutual-TLS client certificate by its SHA-256 thumbprint (RFC 8705 §3.1,
 * {@code "cnf":{"x5t#S256":"bwcK..."}}). Stored in one column as {@code <member>:<thumbprint>}.
 * Immutable.
 *
 * @param member     {@link #JKT} or {@link #X5T_S256}
 * @param thumbprint base64url, unpadded
 */
public record Confirmation(String member, String thumbprint) {

    public static final String JKT = "jkt";
    public static final String X5T_S256 = "x5t#S256";

    public Confirmation {
        if (!JKT.equals(member) && !X5T_S256.equals(member)) {
            throw new IllegalArgumentException("unknown confirmation method " + member);
        }
        if (thumbprint == null || thumbprint.isEmpty()) {
            throw new IllegalArgumentException("a confirmation needs a thumbprint");
        }
    }

    public static Confirmation dpop(String jkt) {
        return new Confirmation(JKT, jkt);
    }

    public static Confirmation certificate(String x5tS256) {
        return new Confirmation(X5T_S256, x5tS256);
    }

    /** True for a DPoP binding: the token's type is {@code DPoP} (RFC 9449 §5), not {@code Bearer}. */
    public boolean isDpop() {
        return JKT.equals(member);
    }

    /** The {@code cnf} claim's value. */
    public Map<String, Object> claim() {
        return Map.of(member, thumbprint);
    }

    /** The stored form; {@link #fromColumn} reads it back. */
    public String toColumn() {
        return member + ":" + thumbprint;
    }

    /** @return null for null (an unbound token) */
    public static Confirmation fromColumn(String column) {
        if (column == null) {
            return null;
        }
        int colon = column.lastIndexOf(':');
        return new Confirmation(column.substring(0, colon), column.substring(colon + 1));
    }

    /** The {@code cnf} of a JWT's claims, or null when it has none (a bearer token). */
    @SuppressWarnings("unchecked")
    public static Confirmation fromClaim(Object cnf) {
        if (!(cnf instanceof Map<?, ?> members)) {
            return null;
        }
        Object jkt = members.get(JKT);
        if (jkt instanceof String value && !value.isEmpty()) {
            return dpop(value);
        }
        Object x5t = members.get(X5T_S256);
        return x5t instanceof String value && !value.isEmpty() ? certificate(value) : null;
    }

    /** The token type a token with this binding (null: none) is answered with. */
    public static String tokenType(Confirmation confirmation) {
        return confirmation != null && confirmation.isDpop() ? "DPoP" : "Bearer";
    }
}
