package dev.latchkey.server;

import dev.latchkey.server.config.ServerConfig;
import dev.latchkey.server.dashboard.Pages;
import dev.latchkey.server.web.HttpServer;
import dev.latchkey.server.web.Metrics;
import dev.latchkey.server.web.Tls;
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
    private final int managementPort;
    private final String issuer;
    private Tracer tracer;
    private Tls tls;

    private LatchkeyServer(Assembly assembly, Server http, int port, int adminPort, int managementPort, String issuer) {
        this.managementPort = managementPort;
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
        if (config.managementPort() != null && config.managementPort() != 0) {
            probe(config.host(), config.managementPort());
        }
        CompletableFuture<Assembly> assembly = CompletableFuture.supplyAsync(
                () -> Assembly.start(config, issuer, clock), task -> new Thread(task, "latchkey-start").start());
        CompletableFuture<Services> services = assembly.thenApply(Assembly::services);
        Integer adminPort = config.adminPort() == null ? null
                : config.adminPort() == 0 ? freePort(config.host()) : config.adminPort();
        Integer managementPort = config.managementPort() == null ? null
                : config.managementPort() == 0 ? freePort(config.host()) : config.managementPort();
        LogbackConfigurator.accessLog(config.accessLog());
        Tracer tracer = Tracer.start(config.otelEndpoint(), config.otelSampleRatio());
        Tls tls = tls(config, issuer);
        if (tls == null && !isLoopback(config.host())) {
            LOG.warn("Serving plain HTTP on {}: secrets and tokens cross the network unencrypted. Use --tls-cert and"
                    + " --tls-key, or a proxy that terminates TLS in front of a loopback --host", config.host());
        }
        Server http = HttpServer.create(config, listeners(config, services, issuer, port, adminPort, managementPort), tls);        try {
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
        LOG.info("Latchkey listening on {}://{}:{} (issuer {}, data in {}; JVM up {} ms)", config.tls() ? "https" : "http",
                config.host(), port,
                issuer, config.dbUrl() == null ? config.dataDir().toAbsolutePath().normalize()
                        : "the configured database",
                uptimeMillis());
        // Now that it serves (BouncyCastle signing meanwhile): the native signatures load on a thread of their own.
        dev.latchkey.core.key.NativeSignatures.startLoading();
        if (adminPort != null) {
            LOG.info("Dashboard and admin API on http://{}:{}{}/", config.host(), adminPort, Pages.BASE);
        }
        if (managementPort != null) {
            LOG.info("Metrics and health on http://{}:{}/metrics", config.host(), managementPort);
        }
        LatchkeyServer server = new LatchkeyServer(assembled, http, port, adminPort == null ? port : adminPort,
                managementPort == null ? port : managementPort, issuer);
        server.tracer = tracer;
        server.tls = tls;
        return server;
    }

    /** HTTPS as configured, or null for plain HTTP. */
    private static Tls tls(ServerConfig config, String issuer) {
        Tls tls = null;
        if (config.tlsCert() != null) {
            tls = Tls.fromPem(config.tlsCert(), config.tlsKey());
        } else if (config.tlsSelfSigned()) {
            tls = Tls.selfSigned(config.dataDir(), java.net.URI.create(issuer).getHost());
        }
        return tls != null && config.mtls() ? tls.askingForClientCertificates() : tls;
    }

    private static boolean isLoopback(String host) {
        try {
            return host == null || InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The listeners: the token service on {@code port}, with the dashboard unless it has a port of
     * its own, and with /metrics and the health endpoints unless they have one; one shared metrics.
     */
    private static java.util.List<HttpServer.Listener> listeners(ServerConfig config, CompletableFuture<Services> services,
            String issuer, int port, Integer adminPort, Integer managementPort) {
        Metrics metrics = new Metrics(config.metricsClientLimit(), Clock.systemUTC());
        dev.latchkey.server.web.ClientAddress addresses = dev.latchkey.server.web.ClientAddress.trusting(
                config.trustedProxies());
        java.util.EnumSet<Routes.Part> main = java.util.EnumSet.of(Routes.Part.TOKENS);
        if (adminPort == null) {
            main.add(Routes.Part.DASHBOARD);
        }
        if (managementPort == null) {
            main.add(Routes.Part.HEALTH);
            main.add(Routes.Part.METRICS);
        }
        boolean pushed = config.users().requirePushed();
        java.util.List<HttpServer.Listener> listeners = new java.util.ArrayList<>();
        listeners.add(new HttpServer.Listener(port, new Routes(services, config.maxBodyBytes(), issuer, main, pushed,
                metrics, addresses, config.failedAttemptsPerMinute(), new Routes.Offered(config.mtls(), config.mtlsCa() != null,
                config.federation() != null))));
        if (adminPort != null) {
            java.util.EnumSet<Routes.Part> admin = java.util.EnumSet.of(Routes.Part.DASHBOARD);
            if (managementPort == null) {
                admin.add(Routes.Part.HEALTH);
            }
            listeners.add(new HttpServer.Listener(adminPort, new Routes(services, config.maxBodyBytes(), issuer, admin,
                    pushed, metrics, addresses)));
        }
        if (managementPort != null) {
            listeners.add(new HttpServer.Listener(managementPort, new Routes(services, config.maxBodyBytes(), issuer,
                    java.util.EnumSet.of(Routes.Part.HEALTH, Routes.Part.METRICS), pushed, metrics, addresses)));
        }
        return listeners;
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

    /** Where /metrics and the health endpoints listen: {@link #port()} unless --management-port moved them. */
    public int managementPort() {
        return managementPort;
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
        if (tracer != null) {
            tracer.close();
        }
        if (tls != null) {
            tls.close();
        }
    }
}
