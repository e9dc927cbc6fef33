package dev.latchkey.server;

import java.util.Map;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Loads, on a second core, what the first token request will need while the main thread parses
 * the command line and opens the store: the database driver (SQLite's native library or pgjdbc), BouncyCastle's
 * Ed25519 tables (it signs until the native signatures have loaded), the JSON generator, the HTTP server's classes. A cold
 * JVM spends most of its first second loading classes one after the other; this overlaps them.
 * It changes nothing but timing: every class it touches would be loaded on first use anyway.
 */
public final class Warmup {

    private static final String[] CLASSES = {
        "org.eclipse.jetty.server.Server", "org.eclipse.jetty.server.ServerConnector",
        "org.eclipse.jetty.server.internal.HttpConnection", "org.eclipse.jetty.http.HttpParser",
        "org.eclipse.jetty.http.HttpGenerator", "org.eclipse.jetty.server.internal.HttpChannelState",
        "org.eclipse.jetty.util.thread.QueuedThreadPool", "com.nimbusds.jwt.SignedJWT",
        "com.nimbusds.jwt.JWTClaimsSet", "com.nimbusds.jose.JWSHeader", "com.nimbusds.jose.jwk.JWKSet",
        "com.zaxxer.hikari.HikariDataSource",
    };

    /** pgjdbc's first connection loads a few hundred classes; these are the heaviest roots. */
    private static final String[] POSTGRES_CLASSES = {
        "org.postgresql.Driver", "org.postgresql.jdbc.PgConnection", "org.postgresql.core.v3.ConnectionFactoryImpl",
        "org.postgresql.core.v3.QueryExecutorImpl", "org.postgresql.jdbc.PgPreparedStatement",
        "org.postgresql.jdbc.PgResultSet",
    };

    private Warmup() {
    }

    /** True if the command line or the environment points the store at PostgreSQL. */
    public static boolean namesPostgres(String[] args, String environmentUrl) {
        for (String arg : args) {
            if (arg.contains("jdbc:postgresql:")) {
                return true;
            }
        }
        return environmentUrl != null && environmentUrl.startsWith("jdbc:postgresql:");
    }

    /** @param postgres the store is PostgreSQL: its driver is loaded instead of SQLite's native library */
    public static void start(boolean postgres) {
        Thread thread = new Thread(() -> run(postgres), "latchkey-warmup");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    private static void run(boolean postgres) {
        try {
            ClassLoader loader = Warmup.class.getClassLoader();
            // First what takes longest: the store's driver. sqlite-jdbc unpacks and loads its
            // native library (~150 ms); pgjdbc loads many classes.
            if (postgres) {
                for (String name : POSTGRES_CLASSES) {
                    Class.forName(name, true, loader);
                }
            } else {
                org.sqlite.SQLiteJDBCLoader.initialize();
                Class.forName("org.sqlite.JDBC", true, loader);
            }
            dev.latchkey.server.render.Json.bytes(Map.of("warm", 1));
            for (String name : CLASSES) {
                Class.forName(name, true, loader);
            }
            // BouncyCastle signs until the native signatures have loaded (LatchkeyServer starts them once
            // it listens), and for good where they do not: its tables are wanted either way.
            Ed25519.precompute();
        } catch (Exception | LinkageError e) {
            // Only timing is at stake.
        }
    }
}
