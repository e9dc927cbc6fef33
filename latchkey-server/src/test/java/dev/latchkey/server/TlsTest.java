package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.server.web.Tls;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, item 2 (TLS natively): HTTPS from a PEM pair with TLS 1.2 and 1.3 only, the pair swapped
 * on disk and served without a restart, and a self-signed certificate for development.
 */
class TlsTest {

    /** An SSL context trusting exactly the certificates in {@code pemFiles}. */
    private static SSLContext trusting(Path... pemFiles) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        int i = 0;
        for (Path pem : pemFiles) {
            try (InputStream in = Files.newInputStream(pem)) {
                trusted.setCertificateEntry("c" + i++, factory.generateCertificate(in));
            }
        }
        TrustManagerFactory managers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        managers.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, managers.getTrustManagers(), null);
        return context;
    }

    private static X509Certificate served(SSLContext context, int port, String... protocols) throws Exception {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(5_000);
            if (protocols.length > 0) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setProtocols(protocols);
                socket.setSSLParameters(parameters);
            }
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    private static String protocol(SSLContext context, int port) throws Exception {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return socket.getSession().getProtocol();
        }
    }

    @Test
    void httpsFromAPemPairTls12And13OnlyAndASwappedPairIsServedWithoutARestart(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Tls.generate("localhost", cert, key, Duration.ofDays(1));
        Path firstCert = Files.copy(cert, dir.resolve("first.pem"));
        try (TestServer server = TestServer.startNew(config -> config.toBuilder().tls(cert, key).build())) {
            int port = server.server().port();
            assertThat(server.issuer()).startsWith("https://");
            SSLContext first = trusting(firstCert);
            HttpClient client = HttpClient.newBuilder().sslContext(first).build();
            HttpResponse<String> metadata = client.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + port + "/.well-known/oauth-authorization-server")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metadata.statusCode()).isEqualTo(200);
            assertThat(metadata.body()).contains("\"issuer\":\"https://");
            var registration = server.server().assembly().registrar().register(
                    dev.latchkey.core.client.ClientMetadata.parse(Map.of("scope", "read"),
                            dev.latchkey.core.client.ClientLimits.defaults()),
                    dev.latchkey.core.audit.Actor.commandLine(), null);
            TestClient registered = new TestClient(registration.client().clientId(), registration.secret().value(),
                    null, Map.of());
            HttpResponse<String> token = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port
                            + "/oauth2/token")).header("Authorization", registered.basicHeader())
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(token.statusCode()).as(token.body()).isEqualTo(200);

            assertThat(protocol(first, port)).isIn("TLSv1.3", "TLSv1.2");
            assertThat(served(first, port, "TLSv1.2").getSubjectX500Principal().getName()).contains("localhost");
            assertThatThrownBy(() -> served(first, port, "TLSv1.1")).as("TLS 1.1 is refused")
                    .isInstanceOf(SSLHandshakeException.class);

            // A renewed certificate, written over the files: served within the reload period, no restart.
            X509Certificate before = served(first, port);
            Tls.generate("localhost", cert, key, Duration.ofDays(1));
            SSLContext renewed = trusting(cert);
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> !served(renewed, port).getSerialNumber().equals(before.getSerialNumber()));
            assertThatThrownBy(() -> served(first, port)).as("the old certificate is no longer served")
                    .isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void aSelfSignedCertificateIsMadeInTheDataDirectoryForDevelopment() throws Exception {
        try (TestServer server = TestServer.startNew(config -> config.toBuilder().tlsSelfSigned(true).build())) {
            Path cert = server.dataDir().resolve("tls-cert.pem");
            assertThat(cert).exists();
            assertThat(Files.getPosixFilePermissions(server.dataDir().resolve("tls-key.pem")))
                    .containsOnly(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(cert)).build();
            HttpResponse<String> live = client.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + server.server().port() + "/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aKeyThatIsNotTheCertificatesOrNotAKeyIsRefusedByName(@TempDir Path dir) throws Exception {
        Tls.generate("localhost", dir.resolve("a.pem"), dir.resolve("a.key"), Duration.ofDays(1));
        Files.writeString(dir.resolve("rsa.key"), "-----BEGIN RSA PRIVATE KEY-----\nnot base64\n-----END RSA PRIVATE KEY-----\n");
        Files.writeString(dir.resolve("empty.pem"), "no pem here\n");
        assertThatThrownBy(() -> Tls.fromPem(dir.resolve("empty.pem"), dir.resolve("a.key")))
                .hasMessageContaining("--tls-cert").hasMessageContaining("holds no PEM certificate");
        assertThatThrownBy(() -> Tls.fromPem(dir.resolve("a.pem"), dir.resolve("rsa.key")))
                .hasMessageContaining("--tls-key");
        assertThatThrownBy(() -> Tls.fromPem(dir.resolve("a.pem"), dir.resolve("a.pem")))
                .hasMessageContaining("--tls-key").hasMessageContaining("no PEM private key");
    }
}
