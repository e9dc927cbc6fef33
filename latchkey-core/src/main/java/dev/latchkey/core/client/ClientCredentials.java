package dev.latchkey.core.client;

import dev.latchkey.core.secret.ClientSecret;
/**
 * What a request presented to authenticate its client (RFC 6749 §2.3.1), and how.
 * The HTTP layer builds it; {@link ClientAuthenticator} checks it.
 */
public record ClientCredentials(String clientId, ClientSecret secret, AuthMethod method, String assertion,
        java.util.List<String> audiences, java.util.List<java.security.cert.X509Certificate> certificates) {

    public ClientCredentials {
        certificates = certificates == null ? java.util.List.of() : java.util.List.copyOf(certificates);
    }

    /**
     * A request that presented no client credentials at all: allowed only where the grant itself
     * identifies the client (RFC 7523 §3.1, the JWT bearer grant).
     */
    public static final ClientCredentials ABSENT = new ClientCredentials(null, null, AuthMethod.NONE);

    public boolean isAbsent() {
        return clientId == null;
    }

    public ClientCredentials(String clientId, ClientSecret secret, AuthMethod method) {
        this(clientId, secret, method, null, java.util.List.of(), java.util.List.of());
    }

    public ClientCredentials(String clientId, ClientSecret secret, AuthMethod method, String assertion,
            java.util.List<String> audiences) {
        this(clientId, secret, method, assertion, audiences, java.util.List.of());
    }

    /**
     * The same with the certificate chain the request's connection presented (mutual TLS, RFC 8705;
     * leaf first), or that a trusted proxy forwarded (RFC 9440); empty: none.
     */
    public ClientCredentials withCertificates(java.util.List<java.security.cert.X509Certificate> chain) {
        return new ClientCredentials(clientId, secret, method, assertion, audiences, chain);
    }

    /** A client assertion (RFC 7523 §2.2) for {@code clientId}, valid when addressed to one of {@code audiences}. */
    public static ClientCredentials assertion(String clientId, String assertion, java.util.List<String> audiences) {
        return new ClientCredentials(clientId, null, AuthMethod.PRIVATE_KEY_JWT, assertion, java.util.List.copyOf(audiences));
    }

    @Override
    public String toString() {
        return "ClientCredentials[" + clientId + ", " + method.wireName() + "]";
    }
}
