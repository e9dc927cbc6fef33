package dev.latchkey.server.web;

import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS for every listener: a PEM certificate chain and its key ({@code --tls-cert}, {@code --tls-key}),
 * TLS 1.2 and 1.3 only (RFC 9700 §2.6 and RFC 8996: nothing older), checked every 2 s and reloaded
 * when either file changes (a renewed certificate needs no restart; a half-written pair is logged and
 * the one in use kept). {@code --tls-self-signed} makes a certificate for the issuer's host into the
 * data directory, for development only.
 */
public final class Tls implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Tls.class);
    private static final char[] IN_MEMORY = "latchkey".toCharArray(); // the key store never leaves memory

    private final Path cert;
    private final Path key;
    // Client certificates, when asked for (--mtls), are accepted by the handshake whoever issued them:
    // the handshake proves the client holds the key; whose key it is, the client authentication decides
    // against what the client registered (RFC 8705 §2: a CA of the operator's, or the key itself).
    private final SslContextFactory.Server factory = new SslContextFactory.Server() {
        @Override
        protected javax.net.ssl.TrustManager[] getTrustManagers(KeyStore trustStore,
                java.util.Collection<? extends java.security.cert.CRL> crls) {
            return new javax.net.ssl.TrustManager[] {ANY_CLIENT};
        }
    };

    private static final javax.net.ssl.X509TrustManager ANY_CLIENT = new javax.net.ssl.X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // accepted here, judged by the client authentication (ClientCertificates)
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("a server does not check servers");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    };
    private final ScheduledExecutorService watcher;
    private volatile FileTime[] seen;

    private Tls(Path cert, Path key) {
        this.cert = cert;
        this.key = key;
        factory.setKeyStore(keyStore(cert, key));
        factory.setKeyStorePassword(new String(IN_MEMORY));
        factory.setKeyManagerPassword(new String(IN_MEMORY));
        factory.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        factory.setSniRequired(false);
        this.seen = times();
        this.watcher = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "latchkey-tls-reload");
            thread.setDaemon(true);
            return thread;
        });
        watcher.scheduleWithFixedDelay(this::reloadIfChanged, 2, 2, TimeUnit.SECONDS);
    }

    /** HTTPS from a PEM certificate chain and key; a bad pair stops the start with a message. */
    public static Tls fromPem(Path cert, Path key) {
        return new Tls(cert, key);
    }

    /** HTTPS with a certificate for {@code host} made (once) into {@code directory}. */
    public static Tls selfSigned(Path directory, String host) {
        Path cert = directory.resolve("tls-cert.pem");
        Path key = directory.resolve("tls-key.pem");
        if (!Files.exists(cert) || !Files.exists(key)) {
            generate(host, cert, key, Duration.ofDays(90));
            LOG.warn("Serving HTTPS with a self-signed certificate for {} ({}): for development only; clients must"
                    + " trust that file", host, cert.toAbsolutePath());
        }
        return new Tls(cert, key);
    }

    public SslContextFactory.Server factory() {
        return factory;
    }

    /** Mutual TLS (--mtls): every handshake asks for a client certificate; a client without one still connects. */
    public Tls askingForClientCertificates() {
        factory.setWantClientAuth(true);
        return this;
    }

    private FileTime[] times() {
        try {
            return new FileTime[] {Files.getLastModifiedTime(cert), Files.getLastModifiedTime(key)};
        } catch (IOException e) {
            return null;
        }
    }

    private void reloadIfChanged() {
        FileTime[] now = times();
        if (now == null || java.util.Arrays.equals(now, seen)) {
            return;
        }
        try {
            KeyStore loaded = keyStore(cert, key);
            factory.reload(f -> f.setKeyStore(loaded));
            seen = now;
            LOG.info("TLS certificate reloaded from {}", cert);
        } catch (Exception e) {
            // Perhaps one file of the pair is written and the other not yet: try again at the next look.
            LOG.warn("The changed TLS certificate or key cannot be used yet ({}); the one in use stays", e.getMessage());
        }
    }

    /** A key store in memory holding the key and its chain, or an error naming what is wrong. */
    static KeyStore keyStore(Path certFile, Path keyFile) {
        List<Certificate> chain = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(certFile, StandardCharsets.US_ASCII);
             PEMParser pem = new PEMParser(reader)) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object item = pem.readObject(); item != null; item = pem.readObject()) {
                if (item instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (Exception e) {
            throw new IllegalArgumentException("--tls-cert " + certFile + " cannot be read as PEM: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("--tls-cert " + certFile + " holds no PEM certificate");
        }
        PrivateKey privateKey;
        try (Reader reader = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII);
             PEMParser pem = new PEMParser(reader)) {
            Object item = pem.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (item instanceof PEMKeyPair pair) {
                privateKey = converter.getPrivateKey(pair.getPrivateKeyInfo()); // PKCS#1 or SEC1
            } else if (item instanceof PrivateKeyInfo info) {
                privateKey = converter.getPrivateKey(info);
            } else if (item instanceof PEMEncryptedKeyPair || item instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new IllegalArgumentException("it is encrypted; give the key unencrypted (mode 0600)");
            } else {
                throw new IllegalArgumentException("it holds no PEM private key");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--tls-key " + keyFile + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalArgumentException("--tls-key " + keyFile + " cannot be read as PEM: " + e.getMessage(), e);
        }
        if (!((X509Certificate) chain.get(0)).getPublicKey().getAlgorithm().equals(privateKey.getAlgorithm())) {
            throw new IllegalArgumentException("--tls-key " + keyFile + " is not the key of --tls-cert " + certFile);
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("latchkey", privateKey, IN_MEMORY, chain.toArray(Certificate[]::new));
            return store;
        } catch (Exception e) {
            throw new IllegalStateException("cannot hold the TLS key in memory: " + e.getMessage(), e);
        }
    }

    /**
     * Writes a self-signed certificate for {@code host} (its DNS name or IP address as subject
     * alternative name, and localhost and the loopback addresses) and its EC P-256 key, 0600.
     */
    public static void generate(String host, Path certFile, Path keyFile, Duration validity) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=" + host.replace(",", ""));
            List<GeneralName> names = new ArrayList<>(List.of(new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.iPAddress, "::1")));
            boolean address = host.matches("[0-9.]+") || host.contains(":");
            names.add(new GeneralName(address ? GeneralName.iPAddress : GeneralName.dNSName,
                    address ? InetAddress.getByName(host.replace("[", "").replace("]", "")).getHostAddress() : host));
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(validity)), subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(names.toArray(GeneralName[]::new)));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            Path directory = certFile.toAbsolutePath().getParent();
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            write(certFile, certificate);
            write(keyFile, new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(pair.getPrivate(), null).generate());
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static void write(Path file, Object pemObject) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(temporary);
        try {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(temporary);
        }
        try (JcaPEMWriter writer = new JcaPEMWriter(Files.newBufferedWriter(temporary, StandardCharsets.US_ASCII))) {
            writer.writeObject(pemObject);
        }
        Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}
