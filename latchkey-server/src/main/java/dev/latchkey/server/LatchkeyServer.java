package dev.latchkey.server;

import dev.latchkey.server.config.ServerConfig;
import dev.latchkey.server.dashboard.Pages;
import dev.latchkey.server.web.HttpServer;
import dev.latchkey.server.web.Routes;
import dev.latchkey.server.web.Services;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running Latchkey: the {@link Assembly} behind its HTTP server. */
public final class LatchkeyServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LatchkeyServer.class);

    private final Assembly assembly;
    private final Server http;
    private final int port;
    private final int adminPort;
    private final String issuer;

    private LatchkeyServer(Assembly assembly, Server http, int port, int adminPort, String issuer) {
        this.assembly = assembly;
        this.http = http;
        this.port = port;
        this.adminPort = adminPort;
        this.issuer = issuer;
    }

    /**
     * Starts a server. Port 0 picks a free port first, because the default issuer names the port
     * and every token carries the issuer.
     *
     * <p>The service (store, keys, caches) is assembled on a thread of its own while this thread
     * builds and starts the HTTP server: neither needs the other (BENCHMARKS.md, "Start"). Jetty may
     * accept a request before the service is ready; that request waits for it. If assembling fails,
     * the HTTP server is stopped and the failure is thrown here.
     */
    public static LatchkeyServer start(ServerConfig config, Clock clock) {
        int port = config.port() == 0 ? freePort(config.host()) : config.port();
        String issuer = config.issuerFor(port);
        // Before anything is created (data directory, master key, database): a port taken by another
        // process stops the start here. Jetty binds it again a moment later.
        probe(config.host(), port);
        if (config.adminPort() != null && config.adminPort() != 0) {
            probe(config.host(), config.adminPort());
        }
        CompletableFuture<Assembly> assembly = CompletableFuture.supplyAsync(
                () -> Assembly.start(config, issuer, clock), task -> new Thread(task, "latchkey-start").start());
        CompletableFuture<Services> services = assembly.thenApply(Assembly::services);
        Integer adminPort = config.adminPort() == null ? null
                : config.adminPort() == 0 ? freePort(config.host()) : config.adminPort();
        Server http = adminPort == null
                ? HttpServer.create(new Routes(services, config.maxBodyBytes(), issuer, Routes.Serves.BOTH,
                        config.users().requirePushed()), config, port)
                : HttpServer.create(new Routes(services, config.maxBodyBytes(), issuer, Routes.Serves.TOKEN_SERVICE,
                        config.users().requirePushed()),
                        new Routes(services, config.maxBodyBytes(), issuer, Routes.Serves.DASHBOARD), config, port,
                        adminPort);
        try {
            http.start();
        } catch (Exception e) {
            stop(http);
            assembly.thenAccept(Assembly::close);
            if (e instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            throw new IllegalStateException("cannot listen on " + config.host() + ":" + port + ": " + e.getMessage(), e);
        }
        Assembly assembled;
        try {
            assembled = assembly.join();
        } catch (CompletionException e) {
            stop(http);
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
        LOG.info("Latchkey listening on http://{}:{} (issuer {}, data in {}; JVM up {} ms)", config.host(), port,
                issuer, config.dbUrl() == null ? config.dataDir().toAbsolutePath().normalize()
                        : "the configured database",
                uptimeMillis());
        if (adminPort != null) {
            LOG.info("Dashboard and admin API on http://{}:{}{}/", config.host(), adminPort, Pages.BASE);
        }
        return new LatchkeyServer(assembled, http, port, adminPort == null ? port : adminPort, issuer);
    }

    // From the process's start time, not the RuntimeMXBean, whose classes cost the start (BENCHMARKS.md, "Start").
    private static long uptimeMillis() {
        return ProcessHandle.current().info().startInstant()
                .map(started -> java.time.Duration.between(started, java.time.Instant.now()).toMillis()).orElse(-1L);
    }

    private static void stop(Server http) {
        try {
            http.stop();
        } catch (Exception e) {
            LOG.warn("Stopping the HTTP server failed: {}", e.toString());
        }
    }

    private static void probe(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(InetAddress.getByName(host), port), 1);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage()
                    + " (is another server using it?)", e);
        }
    }

    private static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }

    public int port() {
        return port;
    }

    /** Where the dashboard and the admin API listen: {@link #port()} unless --admin-port moved them. */
    public int adminPort() {
        return adminPort;
    }

    public String issuer() {
        return issuer;
    }

    public Assembly assembly() {
        return assembly;
    }

    @Override
    public void close() {
        stop(http);
        assembly.close();
    }
}
