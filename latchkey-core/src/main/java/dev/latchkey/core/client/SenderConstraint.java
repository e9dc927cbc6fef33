package dev.latchkey.core.client;

import java.util.Map;

/**
 * How a client's access tokens are bound to a key it holds (RFC 9700 §2.2.1), registration members:
 * <pre>{"dpop_bound_access_tokens": true, "require_dpop_nonce": true}</pre>
 * {@code dpop_bound_access_tokens} (RFC 9449 §5.2): every token request carries a DPoP proof, so
 * no bearer token is ever issued to the client. {@code require_dpop_nonce} (Latchkey's): its proofs
 * must carry a nonce the server gave (RFC 9449 §8), as {@code --dpop-nonce} asks of every client.
 * A member left out is false. Immutable.
 */
public record SenderConstraint(boolean dpopBoundAccessTokens, boolean requireDpopNonce,
        boolean tlsClientCertificateBoundAccessTokens) {

    public static final SenderConstraint NONE = new SenderConstraint(false, false, false);

    static SenderConstraint parse(Map<String, ?> json) {
        return new SenderConstraint(bool(json, "dpop_bound_access_tokens"), bool(json, "require_dpop_nonce"),
                bool(json, "tls_client_certificate_bound_access_tokens"));
    }

    void toJson(Map<String, Object> json) {
        if (dpopBoundAccessTokens) {
            json.put("dpop_bound_access_tokens", true);
        }
        if (requireDpopNonce) {
            json.put("require_dpop_nonce", true);
        }
        if (tlsClientCertificateBoundAccessTokens) {
            json.put("tls_client_certificate_bound_access_tokens", true); // RFC 8705 §3.4
        }
    }

    /** The member a self-service update would loosen (a requirement dropped), or null. */
    String loosenedFrom(SenderConstraint granted) {
        if (granted.dpopBoundAccessTokens && !dpopBoundAccessTokens) {
            return "dpop_bound_access_tokens";
        }
        if (granted.tlsClientCertificateBoundAccessTokens && !tlsClientCertificateBoundAccessTokens) {
            return "tls_client_certificate_bound_access_tokens";
        }
        return granted.requireDpopNonce && !requireDpopNonce ? "require_dpop_nonce" : null;
    }

    private static boolean bool(Map<String, ?> json, String name) {
        return ClientMetadata.bool(json, name);
    }
}
