package dev.latchkey.core.client;

import dev.latchkey.core.error.OAuthError;
import java.util.List;
import java.util.Map;

/**
 * Which certificate a {@code tls_client_auth} client presents (RFC 8705 §2.1.2): exactly one of
 * {@code tls_client_auth_subject_dn} (an RFC 4514 string, compared as a distinguished name),
 * {@code tls_client_auth_san_dns}, {@code tls_client_auth_san_uri}, {@code tls_client_auth_san_ip}
 * or {@code tls_client_auth_san_email} (a subjectAltName entry of that type, compared exactly).
 * Immutable.
 */
public record TlsClientIdentity(String member, String value) {

    public static final List<String> MEMBERS = List.of("tls_client_auth_subject_dn", "tls_client_auth_san_dns",
            "tls_client_auth_san_uri", "tls_client_auth_san_ip", "tls_client_auth_san_email");

    /** The member registered, or null; more than one, or one of the wrong type, is invalid_client_metadata. */
    static TlsClientIdentity parse(Map<String, ?> json) {
        TlsClientIdentity found = null;
        for (String member : MEMBERS) {
            Object value = json.get(member);
            if (value == null) {
                continue;
            }
            if (!(value instanceof String text) || text.isBlank() || text.length() > 1024) {
                throw OAuthError.INVALID_CLIENT_METADATA.toException(member + " must be a non-empty string");
            }
            if (found != null) {
                throw OAuthError.INVALID_CLIENT_METADATA.toException("register exactly one of " + String.join(", ",
                        MEMBERS) + " (RFC 8705 section 2.1.2)");
            }
            if (member.equals("tls_client_auth_subject_dn")) {
                try {
                    new javax.security.auth.x500.X500Principal(text);
                } catch (IllegalArgumentException e) {
                    throw OAuthError.INVALID_CLIENT_METADATA.toException(
                            "tls_client_auth_subject_dn is not a distinguished name (RFC 4514)");
                }
            }
            found = new TlsClientIdentity(member, text);
        }
        return found;
    }

    void toJson(Map<String, Object> json) {
        json.put(member, value);
    }
}
