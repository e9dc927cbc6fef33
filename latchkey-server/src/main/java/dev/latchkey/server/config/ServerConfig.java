package dev.latchkey.server.config;

import dev.latchkey.core.client.ClientLimits;
import dev.latchkey.core.key.SigningAlgorithm;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a server needs to start. Null {@code issuer}, {@code dbUrl} and {@code audience} mean
 * the defaults: {@code http://127.0.0.1:<port>}, SQLite in the data directory, and the issuer.
 * Null {@code initialAccessToken} and {@code masterKey} mean files in the data directory,
 * generated on first start.
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
        int maxThreads) {

    public static final int DEFAULT_PORT = 8080;
    /**
     * HTTP threads: four per core, at least 8. Every path a load repeats waits for the store
     * without holding one (issuance, rotation and PostgreSQL lookups complete on the store's
     * threads), so more threads than cores only add context switches and preempted signatures.
     * Measured on 2 cores (latchkey-bench/load/ab.sh -r 2, 64 connections, medians), 200 threads
     * against 8, both with the asynchronous paths: JWTs 14,149 -> 19,277/s, p99 7.6-9.4 ->
     * 7.3-9.7 ms; SQLite rotations 9,613 -> 8,918/s (within this machine's noise). Against the
     * synchronous build with 200 threads: opaque introspection on PostgreSQL 13,544 -> 32,149/s,
     * rotations on PostgreSQL 4,006 -> 5,398/s.
     */
    public static final int DEFAULT_MAX_THREADS = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
    /**
     * Read connections per node: twice the cores, at least 4. More only adds database processes
     * competing for the same CPUs: on 2 cores, 16 connections gave 10,300 opaque introspections/s
     * and 4 gave 19,400/s (writes use two connections of their own).
     */
    public static final int DEFAULT_DB_POOL_SIZE = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    public static ServerConfig defaults() {
        return new ServerConfig("127.0.0.1", DEFAULT_PORT, Path.of("latchkey-data"), null, null,
                SigningAlgorithm.EdDSA, Duration.ofHours(1), null, ClientLimits.defaults(), null, null,
                64 * 1024, Duration.ofMillis(500), DEFAULT_DB_POOL_SIZE, DEFAULT_MAX_THREADS);
    }

    public String issuerFor(int actualPort) {
        return issuer != null ? stripTrailingSlash(issuer) : "http://127.0.0.1:" + actualPort;
    }

    public String jdbcUrl() {
        return dbUrl != null ? dbUrl : "jdbc:sqlite:" + dataDir.resolve("latchkey.db");
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, dataDir, issuer, dbUrl, signingAlgorithm, keyActivationDelay, audience,
                limits, initialAccessToken, masterKey, maxBodyBytes, changePollInterval, dbPoolSize, maxThreads);
    }

    public ServerConfig withDataDir(Path newDataDir) {
        return new ServerConfig(host, port, newDataDir, issuer, dbUrl, signingAlgorithm, keyActivationDelay, audience,
                limits, initialAccessToken, masterKey, maxBodyBytes, changePollInterval, dbPoolSize, maxThreads);
    }

    public ServerConfig withIssuer(String newIssuer) {
        return new ServerConfig(host, port, dataDir, newIssuer, dbUrl, signingAlgorithm, keyActivationDelay, audience,
                limits, initialAccessToken, masterKey, maxBodyBytes, changePollInterval, dbPoolSize, maxThreads);
    }

    public ServerConfig withDbUrl(String newDbUrl) {
        return new ServerConfig(host, port, dataDir, issuer, newDbUrl, signingAlgorithm, keyActivationDelay, audience,
                limits, initialAccessToken, masterKey, maxBodyBytes, changePollInterval, dbPoolSize, maxThreads);
    }

    public ServerConfig withSigningAlgorithm(SigningAlgorithm newAlgorithm) {
        return new ServerConfig(host, port, dataDir, issuer, dbUrl, newAlgorithm, keyActivationDelay, audience,
                limits, initialAccessToken, masterKey, maxBodyBytes, changePollInterval, dbPoolSize, maxThreads);
    }

    public ServerConfig withKeyActivationDelay(Duration newDelay) {
        return new ServerConfig(host, port, dataDir, issuer, dbUrl, signingAlgorithm, newDelay, audience,
                limits, initialAccessToken, masterKey, maxBodyBytes, changePollInterval, dbPoolSize, maxThreads);
    }

    public ServerConfig withAudience(String newAudience) {
        return new ServerConfig(host, port, dataDir, issuer, dbUrl, signingAlgorithm, keyActivationDelay, newAudience,
                limits, initialAccessToken, masterKey, maxBodyBytes, changePollInterval, dbPoolSize, maxThreads);
    }

    public ServerConfig withInitialAccessToken(String newToken) {
        return new ServerConfig(host, port, dataDir, issuer, dbUrl, signingAlgorithm, keyActivationDelay, audience,
                limits, newToken, masterKey, maxBodyBytes, changePollInterval, dbPoolSize, maxThreads);
    }

    public ServerConfig withMasterKey(String newMasterKey) {
        return new ServerConfig(host, port, dataDir, issuer, dbUrl, signingAlgorithm, keyActivationDelay, audience,
                limits, initialAccessToken, newMasterKey, maxBodyBytes, changePollInterval, dbPoolSize, maxThreads);
    }

    public ServerConfig withLimits(ClientLimits newLimits) {
        return new ServerConfig(host, port, dataDir, issuer, dbUrl, signingAlgorithm, keyActivationDelay, audience,
                newLimits, initialAccessToken, masterKey, maxBodyBytes, changePollInterval, dbPoolSize, maxThreads);
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
