package dev.latchkey.core.assertion;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.Base64URL;
import dev.latchkey.core.client.AuthMethod;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.client.TlsClientIdentity;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.error.OAuthException;
import dev.latchkey.core.secret.Confirmation;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * Mutual-TLS client authentication (RFC 8705 §2) over values: the client, the certificate chain its
 * connection presented (leaf first; the TLS handshake proved the leaf's private key), and the time.
 * {@code self_signed_tls_client_auth} (§2.2): the leaf's public key is one of the client's registered
 * keys; nothing else about the certificate counts. {@code tls_client_auth} (§2.1): the chain is valid
 * (PKIX, at this time) up to one of the operator's trust anchors ({@code --mtls-ca}), and the leaf
 * carries the registered subject DN or subjectAltName. Every failure is {@code invalid_client}.
 * Thread-safe (stateless).
 */
public final class ClientCertificates {

    private ClientCertificates() {
    }

    /** @param keys the client's keys (self-signed); {@code anchors} the CAs trusted for tls_client_auth */
    public static void verify(RegisteredClient client, List<X509Certificate> chain, JWKSet keys, Set<TrustAnchor> anchors,
            Instant now) {
        if (chain.isEmpty()) {
            throw failed("This client authenticates with mutual TLS: present its certificate");
        }
        X509Certificate leaf = chain.get(0);
        AuthMethod method = client.metadata().authMethod();
        if (method == AuthMethod.SELF_SIGNED_TLS_CLIENT_AUTH) {
            byte[] presented = leaf.getPublicKey().getEncoded();
            for (JWK key : keys.getKeys()) {
                if (key instanceof AsymmetricJWK asymmetric && sameKey(asymmetric, presented)) {
                    return;
                }
            }
            throw failed("The certificate's key is not one the client registered");
        }
        if (method != AuthMethod.TLS_CLIENT_AUTH) {
            throw failed("Client authentication failed");
        }
        if (anchors.isEmpty()) {
            throw failed("tls_client_auth needs the server to trust a CA (--mtls-ca)");
        }
        try {
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false); // no CRL or OCSP fetches from the token path
            parameters.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509")
                    .generateCertPath(chain), parameters);
        } catch (GeneralSecurityException e) {
            throw failed("The certificate does not chain to a trusted CA, or is not valid now");
        }
        if (!matches(leaf, client.metadata().keys().tlsIdentity())) {
            throw failed("The certificate is not the one the client registered");
        }
    }

    /** RFC 8705 §3.1 {@code x5t#S256}: the base64url SHA-256 of the certificate's DER. */
    public static Confirmation confirmation(X509Certificate certificate) {
        try {
            return Confirmation.certificate(Base64URL.encode(MessageDigest.getInstance("SHA-256")
                    .digest(certificate.getEncoded())).toString());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a certificate that cannot be encoded", e);
        }
    }

    private static boolean sameKey(AsymmetricJWK key, byte[] presented) {
        try {
            return Arrays.equals(key.toPublicKey().getEncoded(), presented);
        } catch (JOSEException | RuntimeException e) {
            return false;
        }
    }

    private static boolean matches(X509Certificate leaf, TlsClientIdentity identity) {
        if (identity == null) {
            return false;
        }
        if (identity.member().equals("tls_client_auth_subject_dn")) {
            return new X500Principal(identity.value()).equals(leaf.getSubjectX500Principal());
        }
        int type = switch (identity.member()) {
            case "tls_client_auth_san_email" -> 1;
            case "tls_client_auth_san_dns" -> 2;
            case "tls_client_auth_san_uri" -> 6;
            default -> 7; // tls_client_auth_san_ip
        };
        try {
            Collection<List<?>> names = leaf.getSubjectAlternativeNames();
            return names != null && names.stream().anyMatch(name -> name.size() == 2
                    && Integer.valueOf(type).equals(name.get(0)) && identity.value().equals(name.get(1)));
        } catch (CertificateParsingException e) {
            return false;
        }
    }

    private static OAuthException failed(String description) {
        return OAuthError.INVALID_CLIENT.toException(description);
    }
}
