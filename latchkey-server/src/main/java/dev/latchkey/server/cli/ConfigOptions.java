package dev.latchkey.server.cli;

import dev.latchkey.core.client.ClientLimits;
import dev.latchkey.core.key.SigningAlgorithm;
import dev.latchkey.server.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The settings every command shares, each from its option, else its environment variable, else
 * the default. Secrets (master key, initial access token) come only from the environment or the
 * data directory, never from the command line, where {@code ps} would show them.
 */
final class ConfigOptions {

    @Option(names = ConfigFile.OPTION, paramLabel = "FILE", defaultValue = "${env:LATCHKEY_CONFIG}",
            description = "A TOML file of settings, keys named as the options without the dashes; flags and"
                    + " environment variables win over it (LATCHKEY_CONFIG). See 'latchkey config check'.")
    Path config;

    @Option(names = "--host", defaultValue = "${env:LATCHKEY_HOST:-127.0.0.1}",
            description = "Address to listen on (LATCHKEY_HOST; default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "${env:LATCHKEY_PORT:-8080}",
            description = "Port to listen on (LATCHKEY_PORT; default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", defaultValue = "${env:LATCHKEY_DATA_DIR:-latchkey-data}",
            description = "State directory: SQLite file, master key, initial access token (LATCHKEY_DATA_DIR; default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--issuer", defaultValue = "${env:LATCHKEY_ISSUER}",
            description = "Issuer URL (LATCHKEY_ISSUER; default http://127.0.0.1:<port>).")
    String issuer;

    @Option(names = "--db-url", defaultValue = "${env:LATCHKEY_DB_URL}",
            description = "JDBC URL of the store (LATCHKEY_DB_URL; default SQLite in the data directory).")
    String dbUrl;

    @Option(names = "--audience", defaultValue = "${env:LATCHKEY_AUDIENCE}",
            description = "JWT aud when a request names no resource (LATCHKEY_AUDIENCE; default the issuer).")
    String audience;

    @Option(names = "--signing-alg", defaultValue = "${env:LATCHKEY_SIGNING_ALG:-EdDSA}",
            description = "EdDSA, ES256 or RS256 (LATCHKEY_SIGNING_ALG; default ${DEFAULT-VALUE}).")
    SigningAlgorithm signingAlgorithm;

    @Option(names = "--key-activation-delay", defaultValue = "${env:LATCHKEY_KEY_ACTIVATION_DELAY:-3600}",
            description = "Seconds between publishing a new key and signing with it (LATCHKEY_KEY_ACTIVATION_DELAY; default ${DEFAULT-VALUE}).")
    long keyActivationDelaySeconds;

    @Option(names = "--max-access-token-ttl", defaultValue = "${env:LATCHKEY_MAX_ACCESS_TOKEN_TTL:-86400}",
            description = "Longest access token lifetime a client may register, seconds (LATCHKEY_MAX_ACCESS_TOKEN_TTL; default ${DEFAULT-VALUE}).")
    long maxAccessTokenTtlSeconds;

    @Option(names = "--db-pool-size", defaultValue = "${env:LATCHKEY_DB_POOL_SIZE}",
            description = "PostgreSQL read connections per node (LATCHKEY_DB_POOL_SIZE; default twice the cores, at least 4).")
    Integer dbPoolSize;

    @Option(names = "--change-poll-ms", defaultValue = "${env:LATCHKEY_CHANGE_POLL_MS:-500}",
            description = "How often a node reads the change log, in ms; PostgreSQL also pushes changes"
                    + " (LATCHKEY_CHANGE_POLL_MS; default ${DEFAULT-VALUE}).")
    long changePollMillis;

    @Option(names = "--max-threads", defaultValue = "${env:LATCHKEY_MAX_THREADS}",
            description = "Most HTTP worker threads (LATCHKEY_MAX_THREADS; default four per core, at least 8).")
    Integer maxThreads;

    @Option(names = "--admin-port", defaultValue = "${env:LATCHKEY_ADMIN_PORT}",
            description = "Serve the dashboard and the admin API on this port of their own (on --host) instead of"
                    + " --port (LATCHKEY_ADMIN_PORT).")
    Integer adminPort;

    @Option(names = "--usage-counting", defaultValue = "${env:LATCHKEY_USAGE_COUNTING:-true}", arity = "1",
            description = "Count tokens and errors per client for the dashboard's charts, in memory, written once a"
                    + " minute (LATCHKEY_USAGE_COUNTING; default ${DEFAULT-VALUE}).")
    boolean usageCounting;

    @Option(names = "--require-par", defaultValue = "${env:LATCHKEY_REQUIRE_PAR:-false}", arity = "1",
            description = "Every authorization request must be pushed first, RFC 9126 (LATCHKEY_REQUIRE_PAR;"
                    + " default ${DEFAULT-VALUE}).")
    boolean requirePar;

    @Option(names = "--dpop-nonce", defaultValue = "${env:LATCHKEY_DPOP_NONCE:-false}", arity = "1",
            description = "Every DPoP proof must carry a nonce the server gave in a DPoP-Nonce header, RFC 9449 section 8"
                    + " (LATCHKEY_DPOP_NONCE; default ${DEFAULT-VALUE}; a client may ask for it alone with"
                    + " require_dpop_nonce).")
    boolean dpopNonce;

    @Option(names = "--failed-attempts-per-minute", defaultValue = "${env:LATCHKEY_FAILED_ATTEMPTS_PER_MINUTE:-60}",
            description = "Failed client authentications and registrations one source address may have in a minute;"
                    + " past it, its requests to those endpoints get 429 until the minute refills, 0 to 100000, 0: no"
                    + " limit (LATCHKEY_FAILED_ATTEMPTS_PER_MINUTE; default ${DEFAULT-VALUE}).")
    int failedAttemptsPerMinute;

    @Option(names = "--mtls", defaultValue = "${env:LATCHKEY_MTLS:-false}", arity = "1",
            description = "Mutual TLS, RFC 8705: ask TLS clients for a certificate and take the one a trusted proxy"
                    + " forwards in Client-Cert; offers self_signed_tls_client_auth and certificate-bound tokens"
                    + " (LATCHKEY_MTLS; default ${DEFAULT-VALUE}).")
    boolean mtls;

    @Option(names = "--mtls-ca", defaultValue = "${env:LATCHKEY_MTLS_CA}",
            description = "A PEM file of the CA certificates whose client certificates tls_client_auth accepts"
                    + " (LATCHKEY_MTLS_CA; needs --mtls true).")
    Path mtlsCa;

    @Option(names = "--federation", defaultValue = "${env:LATCHKEY_FEDERATION}",
            description = "A JSON file of the external issuers whose JWTs are trusted, with the rules that map them"
                    + " to clients (workload identity federation: the JWT bearer grant and token exchange; see the"
                    + " README) (LATCHKEY_FEDERATION).")
    Path federation;

    @Option(names = "--allow-signup", defaultValue = "${env:LATCHKEY_ALLOW_SIGNUP:-false}", arity = "1",
            description = "People may create their own user account on the login page (LATCHKEY_ALLOW_SIGNUP;"
                    + " default ${DEFAULT-VALUE}).")
    boolean allowSignup;

    @Option(names = "--device-code-ttl", defaultValue = "${env:LATCHKEY_DEVICE_CODE_TTL:-600}",
            description = "Seconds a device authorization (RFC 8628) lives, 60 to 3600 (LATCHKEY_DEVICE_CODE_TTL;"
                    + " default ${DEFAULT-VALUE}).")
    long deviceCodeTtlSeconds;

    @Option(names = "--log-level", defaultValue = "${env:LATCHKEY_LOG_LEVEL:-INFO}",
            description = "ERROR, WARN, INFO, DEBUG or TRACE (LATCHKEY_LOG_LEVEL; default ${DEFAULT-VALUE}).")
    String logLevel;

    @Option(names = "--log-format", defaultValue = "${env:LATCHKEY_LOG_FORMAT:-text}",
            description = "text, or json: one JSON object a line with ECS field names (LATCHKEY_LOG_FORMAT;"
                    + " default ${DEFAULT-VALUE}).")
    String logFormat;

    @Option(names = "--audit-retention-days", defaultValue = "${env:LATCHKEY_AUDIT_RETENTION_DAYS:-90}",
            description = "Days audit entries are kept, 1 to 3650 (LATCHKEY_AUDIT_RETENTION_DAYS; default ${DEFAULT-VALUE}).")
    long auditRetentionDays;

    @Option(names = "--audit-log", paramLabel = "FILE", defaultValue = "${env:LATCHKEY_AUDIT_LOG}",
            description = "Also write every audit entry as a JSON line to this file, or to standard output with -"
                    + " (LATCHKEY_AUDIT_LOG; default nowhere).")
    String auditLog;

    @Option(names = "--management-port", defaultValue = "${env:LATCHKEY_MANAGEMENT_PORT}",
            description = "Serve /metrics and the health endpoints on this port of their own (on --host) instead of"
                    + " --port (LATCHKEY_MANAGEMENT_PORT).")
    Integer managementPort;

    @Option(names = "--access-log", defaultValue = "${env:LATCHKEY_ACCESS_LOG:-false}", arity = "1",
            description = "Log one line per request: method, path (no query), status, bytes, time, source, request id"
                    + " (LATCHKEY_ACCESS_LOG; default ${DEFAULT-VALUE}).")
    boolean accessLog;

    @Option(names = "--metrics-client-limit", defaultValue = "${env:LATCHKEY_METRICS_CLIENT_LIMIT:-500}",
            description = "Clients named in the per-client token counter of /metrics, 0 to 10000; the others count as"
                    + " client_id=\"other\" (LATCHKEY_METRICS_CLIENT_LIMIT; default ${DEFAULT-VALUE}).")
    int metricsClientLimit;

    @Option(names = "--otel-endpoint", defaultValue = "${env:LATCHKEY_OTEL_ENDPOINT}",
            description = "Send OpenTelemetry trace spans to this OTLP/HTTP collector, e.g. http://127.0.0.1:4318"
                    + " (LATCHKEY_OTEL_ENDPOINT; default off).")
    String otelEndpoint;

    @Option(names = "--otel-sample-ratio", defaultValue = "${env:LATCHKEY_OTEL_SAMPLE_RATIO:-0.05}",
            description = "Share of new traces sampled, 0 to 1; a caller's sampled trace is always followed"
                    + " (LATCHKEY_OTEL_SAMPLE_RATIO; default ${DEFAULT-VALUE}).")
    double otelSampleRatio;

    @Option(names = "--tls-cert", paramLabel = "FILE", defaultValue = "${env:LATCHKEY_TLS_CERT}",
            description = "Serve HTTPS with this PEM certificate chain (with --tls-key); reloaded when the file changes"
                    + " (LATCHKEY_TLS_CERT).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", defaultValue = "${env:LATCHKEY_TLS_KEY}",
            description = "The PEM private key of --tls-cert, unencrypted (LATCHKEY_TLS_KEY).")
    Path tlsKey;

    @Option(names = "--tls-self-signed", defaultValue = "${env:LATCHKEY_TLS_SELF_SIGNED:-false}", arity = "1",
            description = "For development: serve HTTPS with a certificate made for the issuer's host, kept in the data"
                    + " directory (LATCHKEY_TLS_SELF_SIGNED; default ${DEFAULT-VALUE}).")
    boolean tlsSelfSigned;

    @Option(names = "--trusted-proxies", split = ",", paramLabel = "ADDRESS|CIDR",
            defaultValue = "${env:LATCHKEY_TRUSTED_PROXIES}",
            description = "Reverse proxies (addresses or CIDR ranges, comma separated) whose Forwarded or X-Forwarded-For"
                    + " names the client; from any other peer those headers are ignored (LATCHKEY_TRUSTED_PROXIES;"
                    + " default none).")
    java.util.List<String> trustedProxies;

    ServerConfig toConfig() {
        applyLogLevel(logLevel);
        range("--audit-retention-days", "LATCHKEY_AUDIT_RETENTION_DAYS", auditRetentionDays, 1, 3650);
        if (!"text".equalsIgnoreCase(logFormat) && !"json".equalsIgnoreCase(logFormat)) {
            throw new IllegalArgumentException("--log-format (or LATCHKEY_LOG_FORMAT) must be text or json, not "
                    + logFormat);
        }
        dev.latchkey.server.LogbackConfigurator.useFormat(logFormat);
        range("--port", "LATCHKEY_PORT", port, 0, 65535);
        range("--key-activation-delay", "LATCHKEY_KEY_ACTIVATION_DELAY", keyActivationDelaySeconds, 2, 30L * 24 * 3600);
        range("--max-access-token-ttl", "LATCHKEY_MAX_ACCESS_TOKEN_TTL", maxAccessTokenTtlSeconds, 60, 365L * 24 * 3600);
        range("--change-poll-ms", "LATCHKEY_CHANGE_POLL_MS", changePollMillis, 10, 60_000);
        range("--device-code-ttl", "LATCHKEY_DEVICE_CODE_TTL", deviceCodeTtlSeconds, 60, 3600);
        if (dbPoolSize != null) {
            range("--db-pool-size", "LATCHKEY_DB_POOL_SIZE", dbPoolSize, 1, 1000);
        }
        if (maxThreads != null) {
            range("--max-threads", "LATCHKEY_MAX_THREADS", maxThreads, 8, 10_000);
        }
        if (adminPort != null) {
            range("--admin-port", "LATCHKEY_ADMIN_PORT", adminPort, 0, 65535);
        }
        if (managementPort != null) {
            range("--management-port", "LATCHKEY_MANAGEMENT_PORT", managementPort, 0, 65535);
        }
        if (otelSampleRatio < 0 || otelSampleRatio > 1 || Double.isNaN(otelSampleRatio)) {
            throw new IllegalArgumentException("--otel-sample-ratio (or LATCHKEY_OTEL_SAMPLE_RATIO) must be between 0"
                    + " and 1, not " + otelSampleRatio);
        }
        if (blankToNull(otelEndpoint) != null && !otelEndpoint.trim().matches("https?://[^\\s?#]+")) {
            throw new IllegalArgumentException("--otel-endpoint (or LATCHKEY_OTEL_ENDPOINT) must be an http(s) URL"
                    + " such as http://127.0.0.1:4318, not " + otelEndpoint);
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key (or LATCHKEY_TLS_CERT and LATCHKEY_TLS_KEY) go"
                    + " together: give both or neither");
        }
        range("--failed-attempts-per-minute", "LATCHKEY_FAILED_ATTEMPTS_PER_MINUTE", failedAttemptsPerMinute, 0, 100_000);
        if (mtlsCa != null && !mtls) {
            throw new IllegalArgumentException("--mtls-ca (or LATCHKEY_MTLS_CA) needs --mtls true");
        }
        if (federation != null && !java.nio.file.Files.isReadable(federation)) {
            throw new IllegalArgumentException("--federation (or LATCHKEY_FEDERATION): cannot read " + federation);
        }
        if (federation != null) {
            new dev.latchkey.server.config.FederationFile(federation); // a bad file stops the start here, naming the member
        }
        if (mtlsCa != null && !java.nio.file.Files.isReadable(mtlsCa)) {
            throw new IllegalArgumentException("--mtls-ca (or LATCHKEY_MTLS_CA): cannot read " + mtlsCa);
        }
        if (tlsCert != null && tlsSelfSigned) {
            throw new IllegalArgumentException("--tls-self-signed makes its own certificate: leave out --tls-cert and"
                    + " --tls-key, or --tls-self-signed");
        }
        java.util.List<String> proxies = trustedProxies == null ? java.util.List.of() : trustedProxies;
        dev.latchkey.server.web.ClientAddress.trusting(proxies); // a bad address or range stops here, named
        range("--metrics-client-limit", "LATCHKEY_METRICS_CLIENT_LIMIT", metricsClientLimit, 0, 10_000);
        if (blankToNull(issuer) != null) {
            ServerConfig.checkIssuer(issuer.trim());
        }
        ClientLimits defaults = ClientLimits.defaults();
        return ServerConfig.builder()
                .host(host)
                .port(port)
                .dataDir(dataDir)
                .issuer(blankToNull(issuer))
                .dbUrl(blankToNull(dbUrl))
                .signingAlgorithm(signingAlgorithm)
                .keyActivationDelay(Duration.ofSeconds(keyActivationDelaySeconds))
                .audience(blankToNull(audience))
                .limits(new ClientLimits(Duration.ofSeconds(maxAccessTokenTtlSeconds), defaults.maxRefreshTokenTtl(),
                        defaults.maxRefreshGrace()))
                .initialAccessToken(blankToNull(System.getenv("LATCHKEY_INITIAL_ACCESS_TOKEN")))
                .masterKey(blankToNull(System.getenv("LATCHKEY_MASTER_KEY")))
                .changePollInterval(Duration.ofMillis(changePollMillis))
                .dbPoolSize(dbPoolSize == null ? ServerConfig.DEFAULT_DB_POOL_SIZE : dbPoolSize)
                .maxThreads(maxThreads == null ? ServerConfig.DEFAULT_MAX_THREADS : maxThreads)
                .adminPort(adminPort)
                .usageCounting(usageCounting)
                .usageFlushInterval(Duration.ofMillis(Long.parseLong(System.getenv()
                        .getOrDefault("LATCHKEY_USAGE_FLUSH_MS", "60000"))))
                .bootstrapAdminPassword(emptyToNull(System.getenv("LATCHKEY_BOOTSTRAP_ADMIN_PASSWORD")))
                .auditRetention(Duration.ofDays(auditRetentionDays))
                .auditLog(blankToNull(auditLog))
                .managementPort(managementPort)
                .accessLog(accessLog)
                .metricsClientLimit(metricsClientLimit)
                .otelEndpoint(blankToNull(otelEndpoint))
                .otelSampleRatio(otelSampleRatio)
                .tls(tlsCert, tlsKey)
                .tlsSelfSigned(tlsSelfSigned)
                .trustedProxies(proxies)
                .dpopNonce(dpopNonce)
                .failedAttemptsPerMinute(failedAttemptsPerMinute)
                .mtls(mtls, mtlsCa)
                .federation(federation)
                .users(new dev.latchkey.core.authorize.AuthorizationPolicy(requirePar,
                        Duration.ofSeconds(deviceCodeTtlSeconds), allowSignup))
                .build();
    }

    /** Sets Latchkey's log level (the libraries stay at WARN); refuses an unknown level. */
    static void applyLogLevel(String level) {
        String name = level == null ? "INFO" : level.strip().toUpperCase(java.util.Locale.ROOT);
        if (!java.util.List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE").contains(name)) {
            throw new IllegalArgumentException("--log-level (or LATCHKEY_LOG_LEVEL) must be one of ERROR, WARN, INFO,"
                    + " DEBUG, TRACE, not " + level);
        }
        if (org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(ch.qos.logback.classic.Level.toLevel(name));
        }
    }

    /** Refuses a number out of range, naming where it came from. */
    static void range(String option, String variable, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " (or " + variable + ") must be between " + min + " and "
                    + max + ", not " + value);
        }
    }

    /** A password as given, spaces included. */
    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
