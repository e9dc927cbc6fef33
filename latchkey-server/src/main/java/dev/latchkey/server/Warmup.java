package dev.latchkey.server;

import java.util.Map;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Loads, on a second core, what the first token request will need while the main thread parses
 * the command line and opens the store: SQLite's native library, the JSON generator,
 * BouncyCastle's Ed25519 tables, the HTTP server's classes. A cold
 * JVM spends most of its first second loading classes one after the other; this overlaps them.
 * It changes nothing but timing: every class it touches would be loaded on first use anyway.
 */
public final class Warmup {

    private static final String[] CLASSES = {
        "io.javalin.Javalin", "io.javalin.config.JavalinConfig", "io.javalin.http.servlet.JavalinServlet",
        "org.eclipse.jetty.server.Server", "org.eclipse.jetty.server.ServerConnector",
        "org.eclipse.jetty.server.internal.HttpConnection", "org.eclipse.jetty.http.HttpParser",
        "org.eclipse.jetty.ee10.servlet.ServletContextHandler", "org.eclipse.jetty.ee10.servlet.ServletHolder",
        "org.eclipse.jetty.util.thread.QueuedThreadPool", "com.nimbusds.jwt.SignedJWT",
        "com.nimbusds.jwt.JWTClaimsSet", "com.nimbusds.jose.JWSHeader", "com.nimbusds.jose.jwk.JWKSet",
        "com.zaxxer.hikari.HikariDataSource", "org.sqlite.JDBC", "org.postgresql.Driver",
    };

    private Warmup() {
    }

    public static void start() {
        Thread thread = new Thread(Warmup::run, "latchkey-warmup");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    private static void run() {
        try {
            // First, as it takes longest: sqlite-jdbc unpacks and loads its native library (~150 ms).
            org.sqlite.SQLiteJDBCLoader.initialize();
            dev.latchkey.server.render.Json.bytes(Map.of("warm", 1));
            Ed25519.precompute();
            ClassLoader loader = Warmup.class.getClassLoader();
            for (String name : CLASSES) {
                Class.forName(name, true, loader);
            }
        } catch (Exception | LinkageError e) {
            // Only timing is at stake.
        }
    }
}
