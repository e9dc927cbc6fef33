package dev.latchkey.core.client;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.error.OAuthException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/**
 * A client's public keys, for {@code private_key_jwt} (RFC 7523 §2.2, OIDC Core §9): inline as
 * {@code jwks} or by reference as {@code jwks_uri} (RFC 7591 §2: never both). Only public keys of the
 * kinds the allowed algorithms use: EC P-256 (ES256), Ed25519 (EdDSA), RSA of 2048 bits or more (PS256,
 * RS256); at most {@value #MAX_KEYS}. A {@code jwks_uri} is https, or http on a loopback address.
 *
 * @param jwks    the JWK Set as JSON, or null
 * @param jwksUri where the JWK Set is published, or null
 */
public record ClientKeys(String jwks, URI jwksUri, TlsClientIdentity tlsIdentity) {

    public static final ClientKeys NONE = new ClientKeys(null, null);

    /** Keys without a certificate identity. */
    public ClientKeys(String jwks, URI jwksUri) {
        this(jwks, jwksUri, null);
    }
    static final int MAX_KEYS = 10;

    public boolean isEmpty() {
        return jwks == null && jwksUri == null;
    }

    private ClientKeys with(TlsClientIdentity identity) {
        return new ClientKeys(jwks, jwksUri, identity);
    }

    /** The inline set, parsed (for a client that registered {@code jwks}). */
    public JWKSet jwkSet() {
        try {
            return JWKSet.parse(jwks);
        } catch (java.text.ParseException e) {
            throw new IllegalStateException("stored jwks no longer parses", e);
        }
    }

    static ClientKeys parse(Map<String, ?> json) {
        TlsClientIdentity identity = TlsClientIdentity.parse(json);
        return keys(json).with(identity);
    }

    /**
     * The {@code jwks} or {@code jwks_uri} member of {@code json} (a registration, or a trusted
     * issuer's entry), checked; {@code invalid_client_metadata} naming what is wrong.
     */
    public static ClientKeys keys(Map<String, ?> json) {
        Object inline = json.get("jwks");
        Object uri = json.get("jwks_uri");
        if (inline != null && uri != null) {
            throw invalid("jwks and jwks_uri must not both be given (RFC 7591 section 2)");
        }
        if (inline != null) {
            if (!(inline instanceof Map<?, ?> object)) {
                throw invalid("jwks must be a JWK Set object");
            }
            JWKSet set;
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) object;
                set = JWKSet.parse(map);
            } catch (java.text.ParseException | RuntimeException e) {
                throw invalid("jwks is not a valid JWK Set");
            }
            check(set);
            return new ClientKeys(JSONObjectUtils.toJSONString(set.toJSONObject(true)), null);
        }
        if (uri != null) {
            if (!(uri instanceof String text)) {
                throw invalid("jwks_uri must be a string");
            }
            return new ClientKeys(null, jwksUri(text));
        }
        return NONE;
    }

    /** Public keys only, of the allowed kinds, and not too many. */
    public static void check(JWKSet set) {
        if (set.getKeys().isEmpty() || set.getKeys().size() > MAX_KEYS) {
            throw invalid("jwks must hold 1 to " + MAX_KEYS + " keys");
        }
        for (JWK key : set.getKeys()) {
            if (key.isPrivate()) {
                throw invalid("jwks must hold public keys only: a private key was given");
            }
            if (!isAcceptedKind(key)) {
                throw invalid("jwks keys must be EC P-256, Ed25519 or RSA of at least 2048 bits");
            }
        }
    }

    /** A key of a kind the allowed algorithms use: EC P-256 (ES256), Ed25519 (EdDSA), RSA of 2048 bits or more. */
    public static boolean isAcceptedKind(JWK key) {
        return key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())
                || key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())
                || key instanceof RSAKey rsa && rsa.size() >= 2048;
    }

    private static URI jwksUri(String text) {
        try {
            URI uri = new URI(text);
            boolean https = "https".equals(uri.getScheme());
            // The redirect URIs' rule (UserFlows): no name is looked up.
            boolean loopback = "http".equals(uri.getScheme()) && uri.getHost() != null && UserFlows.isLoopback(uri.getHost());
            if (!uri.isAbsolute() || uri.getRawFragment() != null || !(https || loopback) || uri.getHost() == null) {
                throw invalid("jwks_uri must be an https URL (http only on a loopback address), without a fragment");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw invalid("jwks_uri is not a valid URL");
        }
    }

    void toJson(Map<String, Object> json) {
        if (jwks != null) {
            try {
                json.put("jwks", JSONObjectUtils.parse(jwks));
            } catch (java.text.ParseException e) {
                throw new IllegalStateException("stored jwks no longer parses", e);
            }
        }
        if (jwksUri != null) {
            json.put("jwks_uri", jwksUri.toString());
        }
        if (tlsIdentity != null) {
            tlsIdentity.toJson(json);
        }
    }

    private static OAuthException invalid(String description) {
        return OAuthError.INVALID_CLIENT_METADATA.toException(description);
    }
}
