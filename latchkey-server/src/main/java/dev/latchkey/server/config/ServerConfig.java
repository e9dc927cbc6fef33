package dev.latchkey.server.config;

import dev.latchkey.core.client.ClientLimits;
import dev.latchkey.core.key.SigningAlgorithm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a server needs to start. Null {@code issuer}, {@code dbUrl} and {@code audience} mean
 * the defaults: {@code http://127.0.0.1:<port>}, SQLite in the data directory, and the issuer.
 * Null {@code initialAccessToken} and {@code masterKey} mean files in the data directory,
 * generated on first start. Built with {@link #builder()} or changed with {@link #toBuilder()}.
 *
 * @param storeWorkers threads that run the work which waits for the store on a request's behalf
 *                     (revocation, registration, readiness, the rare second read of a grant), so
 *                     that no HTTP thread waits for the database
 * @param storeQueue   how many such pieces of work may wait for a thread; beyond it a request is
 *                     answered 503 {@code temporarily_unavailable} with {@code Retry-After}
 * @param usageCounting      count tokens and errors per client for the dashboard (in memory, written
 *                           once per {@code usageFlushInterval})
 * @param adminPort          a listener of their own for the dashboard and the admin API (on
 *                           {@code host}); null: both are served on {@code port}
 * @param bootstrapAdminPassword the first admin's password, used only while no account exists
 *                           (from LATCHKEY_BOOTSTRAP_ADMIN_PASSWORD, never the command line)
 * @param users              the end users' flows: PAR required, device code lifetime, self sign-up
 * @param auditRetention     how long audit entries are kept (older ones are deleted in small batches)
 * @param auditLog           where audit entries are also written as JSON lines: a file, "-" for
 *                           standard output, or null for nowhere
 * @param managementPort     a listener of its own for /metrics and the health endpoints; null: they
 *                           are served with the token service
 * @param accessLog          one log line per request (logger {@code latchkey.access})
 * @param metricsClientLimit clients named in the per-client token counter; the rest count as "other"
 * @param otelEndpoint       an OTLP/HTTP collector to send trace spans to; null: no tracing
 * @param otelSampleRatio    the share of new traces sampled (a caller's sampled trace is always followed)
 * @param tlsCert            a PEM certificate chain to serve HTTPS with (with {@code tlsKey}); null: see tlsSelfSigned
 * @param tlsKey             its PEM private key (PKCS#8, or PKCS#1/SEC1), unencrypted
 * @param tlsSelfSigned      serve HTTPS with a certificate made for the issuer's host in the data directory
 * @param trustedProxies     addresses and CIDR ranges of reverse proxies whose Forwarded / X-Forwarded-For is believed
 * @param dpopNonce          every DPoP proof must carry a nonce the server gave (RFC 9449 §8), for every client
 * @param failedAttemptsPerMinute failed client authentications and registrations a source address may
 *                           have in a minute before its requests are refused with 429 (0: no limit)
 * @param mtls               mutual TLS (RFC 8705): client certificates are asked for in the TLS handshake and
 *                           taken from a trusted proxy's Client-Cert header; the mTLS client methods are offered
 * @param mtlsCa             a PEM bundle of the CAs whose certificates tls_client_auth accepts; null: not offered
 * @param federation         a JSON file of the external issuers whose JWTs are trusted (workload identity
 *                           federation, {@link dev.latchkey.core.federation.Federation}); null: none
 */
public record ServerConfig(
        String host,
        int port,
        Path dataDir,
        String issuer,
        String dbUrl,
        SigningAlgorithm signingAlgorithm,
        Duration keyActivationDelay,
        String audience,
        ClientLimits limits,
        String initialAccessToken,
        String masterKey,
        int maxBodyBytes,
        Duration changePollInterval,
        int dbPoolSize,
        int maxThreads,
        int storeWorkers,
        int storeQueue,
        boolean usageCounting,
        Duration usageFlushInterval,
        Integer adminPort,
        String bootstrapAdminPassword,
        dev.latchkey.core.authorize.AuthorizationPolicy users,
        Duration auditRetention,
        String auditLog,
        Integer managementPort,
        boolean accessLog,
        int metricsClientLimit,
        String otelEndpoint,
        double otelSampleRatio,
        Path tlsCert,
        Path tlsKey,
        boolean tlsSelfSigned,
        List<String> trustedProxies,
        boolean dpopNonce,
        int failedAttemptsPerMinute,
        boolean mtls,
        Path mtlsCa,
        Path federation) {

    public static final int DEFAULT_PORT = 8080;
    /**
     * HTTP threads: four per core, at least 8. Every path a load repeats waits for the store
     * without holding one (issuance, rotation and PostgreSQL lookups complete on the store's
     * threads), so more threads than cores only add context switches and preempted signatures
     * (measured: BENCHMARKS.md, "HTTP threads").
     */
    public static final int DEFAULT_MAX_THREADS = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
    /**
     * Read connections per node: twice the cores, at least 4. More only adds database processes
     * competing for the same CPUs (measured: BENCHMARKS.md, "read pool").
     */
    public static final int DEFAULT_DB_POOL_SIZE = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    /** Store workers: they mostly wait, so as many as HTTP threads, at least 16. */
    public static final int DEFAULT_STORE_WORKERS = Math.max(16, DEFAULT_MAX_THREADS);
    public static final int DEFAULT_STORE_QUEUE = 1024;

    public static ServerConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The password is left out: a config may be logged. */
    @Override
    public String toString() {
        return "ServerConfig[host=" + host + ", port=" + port + ", adminPort=" + adminPort + ", dataDir=" + dataDir
                + ", issuer=" + issuer + ", dbUrl=" + (dbUrl == null ? null : dbUrl.replaceAll("password=[^&]*", "password=***"))
                + "]";
    }

    /**
     * The issuer: {@code issuer} if set, else {@code http://<host>:<port>} when the host is a
     * loopback or a concrete address. A wildcard host (every address) names no URL clients could be
     * told, so it needs {@code --issuer}.
     */
    public String issuerFor(int actualPort) {
        if (issuer != null) {
            return stripTrailingSlash(issuer);
        }
        if (isWildcard(host)) {
            throw new IllegalArgumentException("--host " + host + " listens on every address, so the issuer cannot be"
                    + " derived from it: set --issuer (LATCHKEY_ISSUER) to the URL clients reach this server at");
        }
        String name = host == null ? "127.0.0.1" : host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return (tls() ? "https://" : "http://") + name + ":" + actualPort;
    }

    /** True if the listeners serve HTTPS. */
    public boolean tls() {
        return tlsCert != null || tlsSelfSigned;
    }

    static boolean isWildcard(String host) {
        return host != null && (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")
                || host.equals("0:0:0:0:0:0:0:0") || host.equals("*"));
    }

    /**
     * RFC 8414 §2: the issuer is a URL with the https scheme (http allowed here for loopback and
     * development) and no query or fragment; refused with a message naming the option otherwise.
     */
    public static String checkIssuer(String value) {
        java.net.URI uri;
        try {
            uri = new java.net.URI(value);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("--issuer (LATCHKEY_ISSUER) is not a URL: " + e.getReason());
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            throw new IllegalArgumentException("--issuer (LATCHKEY_ISSUER) must be an absolute https (or http) URL");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("--issuer (LATCHKEY_ISSUER) must name a host, and no user");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("--issuer (LATCHKEY_ISSUER) must have no query or fragment (RFC 8414"
                    + " section 2)");
        }
        return stripTrailingSlash(value);
    }

    /**
     * The path of the issuer (RFC 8414 §3.1: its metadata is also at
     * {@code /.well-known/oauth-authorization-server<path>}), or empty.
     */
    public static String issuerPath(String issuer) {
        String path = java.net.URI.create(issuer).getRawPath();
        return path == null || path.equals("/") ? "" : stripTrailingSlash(path);
    }

    public String jdbcUrl() {
        return dbUrl != null ? dbUrl : "jdbc:sqlite:" + dataDir.resolve(DataDirectory.DATABASE_FILE);
    }

    public ServerConfig withPort(int newPort) {
        return toBuilder().port(newPort).build();
    }

    public ServerConfig withDataDir(Path newDataDir) {
        return toBuilder().dataDir(newDataDir).build();
    }

    public ServerConfig withIssuer(String newIssuer) {
        return toBuilder().issuer(newIssuer).build();
    }

    public ServerConfig withDbUrl(String newDbUrl) {
        return toBuilder().dbUrl(newDbUrl).build();
    }

    public ServerConfig withSigningAlgorithm(SigningAlgorithm newAlgorithm) {
        return toBuilder().signingAlgorithm(newAlgorithm).build();
    }

    public ServerConfig withInitialAccessToken(String newToken) {
        return toBuilder().initialAccessToken(newToken).build();
    }

    public ServerConfig withMasterKey(String newMasterKey) {
        return toBuilder().masterKey(newMasterKey).build();
    }

    public ServerConfig withLimits(ClientLimits newLimits) {
        return toBuilder().limits(newLimits).build();
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Starts from the defaults; every setter returns the builder. Not thread-safe. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = DEFAULT_PORT;
        private Path dataDir = Path.of("latchkey-data");
        private String issuer;
        private String dbUrl;
        private SigningAlgorithm signingAlgorithm = SigningAlgorithm.EdDSA;
        private Duration keyActivationDelay = Duration.ofHours(1);
        private String audience;
        private ClientLimits limits = ClientLimits.defaults();
        private String initialAccessToken;
        private String masterKey;
        private int maxBodyBytes = 64 * 1024;
        private Duration changePollInterval = Duration.ofMillis(500);
        private int dbPoolSize = DEFAULT_DB_POOL_SIZE;
        private int maxThreads = DEFAULT_MAX_THREADS;
        private int storeWorkers = DEFAULT_STORE_WORKERS;
        private int storeQueue = DEFAULT_STORE_QUEUE;
        private boolean usageCounting = true;
        private Duration usageFlushInterval = Duration.ofMinutes(1);
        private Integer adminPort;
        private String bootstrapAdminPassword;
        private dev.latchkey.core.authorize.AuthorizationPolicy users =
                dev.latchkey.core.authorize.AuthorizationPolicy.DEFAULTS;
        private Duration auditRetention = Duration.ofDays(90);
        private String auditLog;
        private Integer managementPort;
        private boolean accessLog;
        private int metricsClientLimit = 500;
        private String otelEndpoint;
        private double otelSampleRatio = 0.05;
        private Path tlsCert;
        private Path tlsKey;
        private boolean tlsSelfSigned;
        private List<String> trustedProxies = List.of();
        private boolean dpopNonce;
        private int failedAttemptsPerMinute = 60;
        private boolean mtls;
        private Path mtlsCa;
        private Path federation;

        private Builder() {
        }

        private Builder(ServerConfig c) {
            host = c.host;
            port = c.port;
            dataDir = c.dataDir;
            issuer = c.issuer;
            dbUrl = c.dbUrl;
            signingAlgorithm = c.signingAlgorithm;
            keyActivationDelay = c.keyActivationDelay;
            audience = c.audience;
            limits = c.limits;
            initialAccessToken = c.initialAccessToken;
            masterKey = c.masterKey;
            maxBodyBytes = c.maxBodyBytes;
            changePollInterval = c.changePollInterval;
            dbPoolSize = c.dbPoolSize;
            maxThreads = c.maxThreads;
            storeWorkers = c.storeWorkers;
            storeQueue = c.storeQueue;
            usageCounting = c.usageCounting;
            usageFlushInterval = c.usageFlushInterval;
            adminPort = c.adminPort;
            bootstrapAdminPassword = c.bootstrapAdminPassword;
            users = c.users;
            auditRetention = c.auditRetention;
            auditLog = c.auditLog;
            managementPort = c.managementPort;
            accessLog = c.accessLog;
            metricsClientLimit = c.metricsClientLimit;
            otelEndpoint = c.otelEndpoint;
            otelSampleRatio = c.otelSampleRatio;
            tlsCert = c.tlsCert;
            tlsKey = c.tlsKey;
            tlsSelfSigned = c.tlsSelfSigned;
            trustedProxies = c.trustedProxies;
            dpopNonce = c.dpopNonce;
            failedAttemptsPerMinute = c.failedAttemptsPerMinute;
            mtls = c.mtls;
            mtlsCa = c.mtlsCa;
            federation = c.federation;
        }

        public Builder federation(Path file) {
            federation = file;
            return this;
        }

        public Builder mtls(boolean value, Path ca) {
            mtls = value;
            mtlsCa = ca;
            return this;
        }

        public Builder failedAttemptsPerMinute(int value) {
            failedAttemptsPerMinute = value;
            return this;
        }

        public Builder dpopNonce(boolean value) {
            dpopNonce = value;
            return this;
        }

        public Builder trustedProxies(List<String> value) {
            trustedProxies = List.copyOf(value);
            return this;
        }

        public Builder tls(Path cert, Path key) {
            tlsCert = cert;
            tlsKey = key;
            return this;
        }

        public Builder tlsSelfSigned(boolean value) {
            tlsSelfSigned = value;
            return this;
        }

        public Builder otelEndpoint(String value) {
            otelEndpoint = value;
            return this;
        }

        public Builder otelSampleRatio(double value) {
            otelSampleRatio = value;
            return this;
        }

        public Builder managementPort(Integer value) {
            managementPort = value;
            return this;
        }

        public Builder accessLog(boolean value) {
            accessLog = value;
            return this;
        }

        public Builder metricsClientLimit(int value) {
            metricsClientLimit = value;
            return this;
        }

        public Builder auditLog(String value) {
            auditLog = value;
            return this;
        }

        public Builder auditRetention(Duration value) {
            auditRetention = value;
            return this;
        }

        public Builder users(dev.latchkey.core.authorize.AuthorizationPolicy value) {
            users = value;
            return this;
        }

        public Builder host(String value) {
            host = value;
            return this;
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder dataDir(Path value) {
            dataDir = value;
            return this;
        }

        public Builder issuer(String value) {
            issuer = value;
            return this;
        }

        public Builder dbUrl(String value) {
            dbUrl = value;
            return this;
        }

        public Builder signingAlgorithm(SigningAlgorithm value) {
            signingAlgorithm = value;
            return this;
        }

        public Builder keyActivationDelay(Duration value) {
            keyActivationDelay = value;
            return this;
        }

        public Builder audience(String value) {
            audience = value;
            return this;
        }

        public Builder limits(ClientLimits value) {
            limits = value;
            return this;
        }

        public Builder initialAccessToken(String value) {
            initialAccessToken = value;
            return this;
        }

        public Builder masterKey(String value) {
            masterKey = value;
            return this;
        }

        public Builder maxBodyBytes(int value) {
            maxBodyBytes = value;
            return this;
        }

        public Builder changePollInterval(Duration value) {
            changePollInterval = value;
            return this;
        }

        public Builder dbPoolSize(int value) {
            dbPoolSize = value;
            return this;
        }

        public Builder maxThreads(int value) {
            maxThreads = value;
            return this;
        }

        public Builder storeWorkers(int value) {
            storeWorkers = value;
            return this;
        }

        public Builder storeQueue(int value) {
            storeQueue = value;
            return this;
        }

        public Builder usageCounting(boolean value) {
            usageCounting = value;
            return this;
        }

        public Builder usageFlushInterval(Duration value) {
            usageFlushInterval = value;
            return this;
        }

        public Builder adminPort(Integer value) {
            adminPort = value;
            return this;
        }

        public Builder bootstrapAdminPassword(String value) {
            bootstrapAdminPassword = value;
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(host, port, dataDir, issuer, dbUrl, signingAlgorithm, keyActivationDelay,
                    audience, limits, initialAccessToken, masterKey, maxBodyBytes, changePollInterval, dbPoolSize,
                    maxThreads, storeWorkers, storeQueue, usageCounting, usageFlushInterval, adminPort,
                    bootstrapAdminPassword, users, auditRetention, auditLog, managementPort, accessLog,
                    metricsClientLimit, otelEndpoint, otelSampleRatio, tlsCert, tlsKey, tlsSelfSigned, trustedProxies,
                    dpopNonce, failedAttemptsPerMinute, mtls, mtlsCa, federation);
        }
    }
}
