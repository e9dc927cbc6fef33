package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.SelfSignedTLSClientAuthentication;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.server.web.Tls;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, item 3: mutual TLS (RFC 8705) over a real TLS connection: self_signed_tls_client_auth
 * (the Nimbus SDK's SelfSignedTLSClientAuthentication as the client) and tls_client_auth against the
 * operator's CA (--mtls-ca) with a registered subject DN; tokens bound to the certificate
 * ({@code cnf.x5t#S256}, JWT and introspection); wrong, missing and look-alike certificates refused;
 * RFC 9440 Client-Cert believed only from a trusted proxy.
 */
class MutualTlsTest {

    @TempDir
    static Path dir;
    static TestServer server;
    static TestServer behindProxy;
    static KeyPair caKeys;
    static X509Certificate ca;
    static Path serverCert;

    @BeforeAll
    static void start() throws Exception {
        caKeys = keys();
        ca = certificate("CN=Example Client CA", caKeys, "CN=Example Client CA", caKeys, true);
        Path caPem = dir.resolve("ca.pem");
        Files.writeString(caPem, pem(ca));
        serverCert = dir.resolve("server.pem");
        Tls.generate("localhost", serverCert, dir.resolve("server.key"), Duration.ofDays(1));
        server = TestServer.startNew(config -> config.toBuilder().tls(serverCert, dir.resolve("server.key"))
                .mtls(true, caPem).build());
        behindProxy = TestServer.startNew(config -> config.toBuilder().mtls(true, caPem)
                .trustedProxies(List.of("127.0.0.1")).build());
    }

    @AfterAll
    static void stop() {
        for (TestServer running : new TestServer[] {server, behindProxy}) {
            if (running != null) {
                running.close();
            }
        }
    }

    static KeyPair keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    static X509Certificate certificate(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys,
            boolean isCa) throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name(issuer),
                BigInteger.valueOf(now.toEpochMilli()).add(BigInteger.valueOf(System.nanoTime() & 0xffff)),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))),
                name(subject), subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        return new JcaX509CertificateConverter().getCertificate(builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }

    /** A name as RFC 4514 reads it (BouncyCastle's X500Name(String) would keep the string's order in DER). */
    static X500Name name(String rfc4514) {
        return X500Name.getInstance(new javax.security.auth.x500.X500Principal(rfc4514).getEncoded());
    }

    static String pem(X509Certificate certificate) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    }

    /** TLS trusting the server's certificate, presenting {@code chain} (none when null). */
    static SSLContext tls(KeyPair clientKeys, X509Certificate... chain) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(serverCert)) {
            trusted.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        KeyManagerFactory keyManagers = null;
        if (clientKeys != null) {
            KeyStore own = KeyStore.getInstance("PKCS12");
            own.load(null, null);
            own.setKeyEntry("client", clientKeys.getPrivate(), "pw".toCharArray(), chain);
            keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(own, "pw".toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    static URI https(String path) {
        return URI.create("https://localhost:" + server.server().port() + path);
    }

    static HttpResponse<String> post(SSLContext context, String path, Map<String, String> form) throws Exception {
        return HttpClient.newBuilder().sslContext(context).build().send(HttpRequest.newBuilder(https(path))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(Http.encode(form))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String register(Map<String, Object> metadata) throws Exception {
        HttpResponse<String> response = HttpClient.newBuilder().sslContext(tls(null)).build().send(
                HttpRequest.newBuilder(https("/oauth2/register")).header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + TestServer.INITIAL_ACCESS_TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(Http.toJson(metadata))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(Http.json(response)).doesNotContainKey("client_secret");
        return (String) Http.json(response).get("client_id");
    }

    static String thumbprint(X509Certificate certificate) throws Exception {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(certificate.getEncoded()));
    }

    @Test
    void aSelfSignedClientAuthenticatesWithItsCertificateAndGetsTokensBoundToIt() throws Exception {
        KeyPair clientKeys = keys();
        X509Certificate cert = certificate("CN=self", clientKeys, "CN=self", clientKeys, false);
        ECKey jwk = new ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256, (ECPublicKey) clientKeys.getPublic()).build();
        String clientId = register(Map.of("scope", "read", "token_endpoint_auth_method", "self_signed_tls_client_auth",
                "jwks", Map.of("keys", List.of(jwk.toJSONObject())), "tls_client_certificate_bound_access_tokens", true));
        SSLContext context = tls(clientKeys, cert);

        // The Nimbus SDK as the client: it sends client_id over the TLS connection with the certificate.
        HTTPRequest request = new TokenRequest.Builder(https("/oauth2/token"), new SelfSignedTLSClientAuthentication(
                new ClientID(clientId), context.getSocketFactory()), new ClientCredentialsGrant()).build().toHTTPRequest();
        TokenResponse response = TokenResponse.parse(request.send());
        assertThat(response.indicatesSuccess()).as(() -> response.toErrorResponse().toJSONObject().toString()).isTrue();
        String accessToken = response.toSuccessResponse().getTokens().getAccessToken().getValue();
        assertThat(SignedJWT.parse(accessToken).getJWTClaimsSet().getJSONObjectClaim("cnf"))
                .containsEntry("x5t#S256", thumbprint(cert));

        HttpResponse<String> introspected = post(context, "/oauth2/introspect", Map.of("client_id", clientId,
                "token", accessToken));
        assertThat(Http.json(introspected)).containsEntry("active", true)
                .containsEntry("cnf", Map.of("x5t#S256", thumbprint(cert)));

        KeyPair otherKeys = keys();
        assertThat(post(tls(otherKeys, certificate("CN=self", otherKeys, "CN=self", otherKeys, false)), "/oauth2/token",
                Map.of("grant_type", "client_credentials", "client_id", clientId)).statusCode())
                .as("another key's certificate").isEqualTo(401);
        assertThat(post(tls(null), "/oauth2/token", Map.of("grant_type", "client_credentials", "client_id", clientId))
                .statusCode()).as("no certificate").isEqualTo(401);
    }

    @Test
    void aCaIssuedCertificateAuthenticatesByItsRegisteredSubjectAndALookAlikeDoesNot() throws Exception {
        String clientId = register(Map.of("scope", "read", "token_endpoint_auth_method", "tls_client_auth",
                "tls_client_auth_subject_dn", "CN=billing,O=Example"));
        KeyPair clientKeys = keys();
        X509Certificate issued = certificate("CN=billing,O=Example", clientKeys, "CN=Example Client CA", caKeys, false);
        Map<String, String> form = Map.of("grant_type", "client_credentials", "client_id", clientId);

        HttpResponse<String> ok = post(tls(clientKeys, issued, ca), "/oauth2/token", form);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);

        X509Certificate lookAlike = certificate("CN=billing,O=Example", clientKeys, "CN=billing,O=Example", clientKeys,
                false);
        assertThat(post(tls(clientKeys, lookAlike), "/oauth2/token", form).statusCode())
                .as("the same subject, self-signed").isEqualTo(401);
        X509Certificate otherSubject = certificate("CN=shipping,O=Example", clientKeys, "CN=Example Client CA", caKeys,
                false);
        assertThat(post(tls(clientKeys, otherSubject, ca), "/oauth2/token", form).statusCode())
                .as("the CA's, for another subject").isEqualTo(401);
    }

    @Test
    void registrationChecksTheCertificateMembers() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(tls(null)).build();
        for (String json : List.of("{\"token_endpoint_auth_method\":\"tls_client_auth\"}",
                "{\"token_endpoint_auth_method\":\"tls_client_auth\",\"tls_client_auth_subject_dn\":\"CN=a\","
                        + "\"tls_client_auth_san_dns\":\"a.example\"}",
                "{\"token_endpoint_auth_method\":\"client_secret_basic\",\"tls_client_auth_san_dns\":\"a.example\"}",
                "{\"token_endpoint_auth_method\":\"self_signed_tls_client_auth\"}",
                "{\"tls_client_certificate_bound_access_tokens\":\"yes\"}")) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(https("/oauth2/register"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + TestServer.INITIAL_ACCESS_TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(json).isEqualTo(400);
            assertThat(Http.json(response)).containsEntry("error", "invalid_client_metadata");
        }
    }

    @Test
    void aForwardedCertificateCountsOnlyFromATrustedProxy() throws Exception {
        KeyPair clientKeys = keys();
        X509Certificate issued = certificate("CN=proxied,O=Example", clientKeys, "CN=Example Client CA", caKeys, false);
        String header = ":" + Base64.getEncoder().encodeToString(issued.getEncoded()) + ":";
        Map<String, Object> metadata = Map.of("scope", "read", "token_endpoint_auth_method", "tls_client_auth",
                "tls_client_auth_subject_dn", "CN=proxied,O=Example");

        // Behind a proxy it trusts (127.0.0.1 here), the server takes the certificate the proxy forwards.
        String proxied = behindProxy.register(metadata).id();
        HttpResponse<String> forwarded = Http.send(HttpRequest.newBuilder(behindProxy.uri("/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Client-Cert", header)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + proxied)).build());
        assertThat(forwarded.statusCode()).as(forwarded.body()).isEqualTo(200);

        // The TLS server trusts no proxy: the same header is just text anyone could write.
        String direct = register(metadata);
        HttpResponse<String> forged = HttpClient.newBuilder().sslContext(tls(null)).build().send(HttpRequest
                .newBuilder(https("/oauth2/token")).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Client-Cert", header).POST(HttpRequest.BodyPublishers.ofString(
                        "grant_type=client_credentials&client_id=" + direct)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(401);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theMetadataOffersTheMethodsAndBoundTokens() throws Exception {
        HttpResponse<String> response = HttpClient.newBuilder().sslContext(tls(null)).build().send(
                HttpRequest.newBuilder(https("/.well-known/oauth-authorization-server")).build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, Object> metadata = Http.json(response);
        assertThat((List<Object>) metadata.get("token_endpoint_auth_methods_supported"))
                .contains("tls_client_auth", "self_signed_tls_client_auth");
        assertThat(metadata).containsEntry("tls_client_certificate_bound_access_tokens", true);
        Map<String, Object> plain = Http.json(Http.get(behindProxy.uri("/.well-known/oauth-authorization-server")));
        assertThat((List<Object>) plain.get("token_endpoint_auth_methods_supported")).contains("tls_client_auth");
    }
}
