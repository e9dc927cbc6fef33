package dev.latchkey.server.web;

import dev.latchkey.server.config.ServerConfig;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The Jetty server around the {@link Routes}: one connector, a small thread pool, the listen
 * backlog at the kernel's limit, JSON error pages. No web framework: Javalin sat here before, and
 * building it (its servlet layer and the Kotlin runtime under it, 550 classes) was the longest
 * single step before the first token on 2 cores (BENCHMARKS.md, "Start").
 */
public final class HttpServer {

    private static final String REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";
    /** The listen backlog when the kernel's limit cannot be read. */
    static final int DEFAULT_ACCEPT_QUEUE = 1024;

    private HttpServer() {
    }

    /** A port and what it serves. */
    public record Listener(int port, Routes routes) {
    }

    /** The server, not yet started: {@link Server#start()} listens. */
    public static Server create(Routes routes, ServerConfig settings, int port) {
        return create(settings, java.util.List.of(new Listener(port, routes)));
    }

    /**
     * The server with one connector per listener, each request handed to the routes of the
     * connector it came in on (--admin-port and --management-port give the dashboard and the
     * operations endpoints ports of their own).
     */
    public static Server create(ServerConfig settings, java.util.List<Listener> listeners) {
        return create(settings, listeners, null);
    }

    /** The same, every listener on HTTPS when {@code tls} is given. */
    public static Server create(ServerConfig settings, java.util.List<Listener> listeners, Tls tls) {
        Server server = new Server(threadPool(settings.maxThreads()));
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        if (tls != null) {
            // No SNI host check: a certificate for the issuer's name also answers on an address.
            http.addCustomizer(new org.eclipse.jetty.server.SecureRequestCustomizer(false));
        }
        server.setErrorHandler(new JsonErrorHandler());
        java.util.Map<Connector, Handler> byConnector = new java.util.LinkedHashMap<>();
        for (Listener listener : listeners) {
            byConnector.put(connector(server, http, tls, settings.host(), listener.port()), listener.routes().router());
        }
        server.setHandler(listeners.size() == 1 ? listeners.get(0).routes().router() : new ByListener(byConnector));
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStopped(LifeCycle event) {
                listeners.forEach(listener -> listener.routes().close());
            }
        });
        return server;
    }

    private static ServerConnector connector(Server server, HttpConfiguration http, Tls tls, String host, int port) {
        ServerConnector connector = tls == null ? new ServerConnector(server, new HttpConnectionFactory(http))
                : new ServerConnector(server, new org.eclipse.jetty.server.SslConnectionFactory(tls.factory(), "http/1.1"),
                        new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setAcceptQueueSize(acceptQueueSize());
        server.addConnector(connector);
        return connector;
    }

    /** Sends a request to the routes of the listener it came in on. */
    private static final class ByListener extends Handler.Abstract {
        private final java.util.Map<Connector, Handler> byConnector;

        ByListener(java.util.Map<Connector, Handler> byConnector) {
            this.byConnector = byConnector;
            byConnector.values().forEach(this::addBean);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            return byConnector.get(request.getConnectionMetaData().getConnector()).handle(request, response, callback);
        }
    }

    /**
     * The listen backlog: the kernel's {@code net.core.somaxconn} (Linux caps the backlog there
     * anyway), else {@value #DEFAULT_ACCEPT_QUEUE}. Jetty's default of 50 made a burst of new
     * connections wait for SYN retransmits, a second each (13 of 1,500 sequential connects).
     */
    static int acceptQueueSize() {
        // Read as a stream: files in /proc report a size of 0, and Files.readString, which sizes its
        // read by that, returned "4" of "4096" here.
        try (var reader = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of("/proc/sys/net/core/somaxconn"))) {
            int somaxconn = Integer.parseInt(reader.readLine().trim());
            return somaxconn > 0 ? somaxconn : DEFAULT_ACCEPT_QUEUE;
        } catch (java.io.IOException | RuntimeException e) {
            return DEFAULT_ACCEPT_QUEUE;
        }
    }

    private static QueuedThreadPool threadPool(int maxThreads) {
        // Jetty's queues pad their slots to a cache line and, unless told how many references fit
        // in one, ask the platform MBean server whether oops are compressed: building that server
        // costs the start (BENCHMARKS.md, "Start"). Oops are compressed below a 32 GiB heap; this is
        // a padding size only, and an operator's own setting wins.
        if (System.getProperty(REFERENCES_PER_CACHE_LINE) == null) {
            System.setProperty(REFERENCES_PER_CACHE_LINE,
                    Runtime.getRuntime().maxMemory() < 32L * 1024 * 1024 * 1024 ? "16" : "8");
        }
        QueuedThreadPool pool = new QueuedThreadPool(maxThreads, Math.min(8, maxThreads));
        pool.setName("latchkey-http");
        return pool;
    }
}
