package dev.latchkey.server.web;

import dev.latchkey.server.Latchkey;
import dev.latchkey.server.config.ServerConfig;
import dev.latchkey.server.convert.RequestBodies;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Every route of the server, next to the standard it implements, on a plain Jetty server whose one
 * handler, {@link Router}, reads each request body and finds the endpoint.
 * Every failure is an OAuth JSON error ({@link Failures}): expected ones as their
 * {@link dev.latchkey.core.error.OAuthError}, a database outage as 503 {@code temporarily_unavailable},
 * anything else as 500 {@code server_error} with the cause logged (never a token: exception messages
 * never carry one); Jetty's own errors too ({@link JsonErrorHandler}).
 *
 * <p>No web framework: Javalin sat here before, and building it (with its servlet layer and the
 * Kotlin runtime under it, 550 classes) was the longest single step before the first token, on
 * 2 cores where the start is CPU-bound. Measured, start to first token on SQLite, 10 starts of each
 * build alternated, medians: 924 -> 781 ms, 1,490 -> 1,230 ms of CPU.
 */
public final class Routes {

    public static final String METADATA = "/.well-known/oauth-authorization-server";
    public static final String TOKEN = "/oauth2/token";
    public static final String INTROSPECT = "/oauth2/introspect";
    public static final String REVOKE = "/oauth2/revoke";
    public static final String JWKS = "/oauth2/jwks";
    public static final String REGISTER = "/oauth2/register";

    private static final String REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";

    private Routes() {
    }

    /**
     * The server, not yet started. Its routes are served as soon as Jetty listens. The service
     * behind them may still be opening its store and keys on another thread (see
     * {@link dev.latchkey.server.LatchkeyServer#start}): a request that comes before it is ready
     * waits for it (liveness answers at once). Building the HTTP server and opening the store need
     * nothing from each other, so they run side by side.
     */
    public static Server create(CompletableFuture<Latchkey> assembly, ServerConfig settings, String issuer,
            int port) {
        RequestBodies bodies = new RequestBodies(settings.maxBodyBytes());
        Metrics metrics = new Metrics();
        CompletableFuture<Endpoints> ready =
                assembly.thenApply(latchkey -> new Endpoints(latchkey, bodies, metrics, issuer));
        var metadata = new MetadataEndpoint(issuer);
        var health = new HealthEndpoint(assembly::join);
        // Routes that wait for the store run on its workers, never on an HTTP thread (see StoreWorkers).
        Executor workers = task -> assembly.join().storeWorkers().execute(task);
        var idle = new IdleReclaimer();
        var failures = new Failures(metrics);

        Router routes = new Router(bodies, failures, idle)
                .route(HttpMethod.GET, METADATA, Router.immediate(metadata::handle))                        // RFC 8414 §3
                .route(HttpMethod.POST, TOKEN, call -> ready.join().token().handle(call))                    // RFC 6749 §3.2, §4.4, §6
                .route(HttpMethod.POST, INTROSPECT, call -> ready.join().introspection().handle(call))       // RFC 7662 §2
                .route(HttpMethod.POST, REVOKE, Router.onWorkers(call -> ready.join().revocation().handle(call), workers))  // RFC 7009 §2
                .route(HttpMethod.GET, JWKS, Router.immediate(call -> ready.join().jwks().handle(call)))           // RFC 7517 §5
                .route(HttpMethod.POST, REGISTER, Router.onWorkers(call -> ready.join().registration().register(call), workers))  // RFC 7591 §3
                .route(HttpMethod.GET, REGISTER + "/{client_id}",
                        Router.onWorkers(call -> ready.join().registration().read(call), workers))          // RFC 7592 §2.1
                .route(HttpMethod.PUT, REGISTER + "/{client_id}",
                        Router.onWorkers(call -> ready.join().registration().update(call), workers))        // RFC 7592 §2.2
                .route(HttpMethod.DELETE, REGISTER + "/{client_id}",
                        Router.onWorkers(call -> ready.join().registration().delete(call), workers))        // RFC 7592 §2.3
                .route(HttpMethod.GET, "/health", Router.onWorkers(health::ready, workers))  // readiness: the database answers and takes writes
                .route(HttpMethod.GET, "/health/live", Router.immediate(health::live))   // liveness
                .route(HttpMethod.GET, "/metrics", Router.immediate(metrics::handle));   // Prometheus text format

        Server server = new Server(threadPool(settings.maxThreads()));
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(settings.host());
        connector.setPort(port);
        connector.setAcceptQueueSize(acceptQueueSize());
        server.addConnector(connector);
        server.setErrorHandler(new JsonErrorHandler());
        server.setHandler(routes);
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStopped(LifeCycle event) {
                idle.close();
            }
        });
        return server;
    }

    /** The endpoints that need the assembled service, built once it is ready. */
    record Endpoints(TokenEndpoint token, IntrospectionEndpoint introspection,
            RevocationEndpoint revocation, JwksEndpoint jwks, RegistrationEndpoint registration) {

        Endpoints(Latchkey latchkey, RequestBodies bodies, Metrics metrics, String issuer) {
            this(new TokenEndpoint(bodies, latchkey.tokenService(), metrics),
                    new IntrospectionEndpoint(bodies, latchkey.authenticator(), latchkey.introspector()),
                    new RevocationEndpoint(bodies, latchkey.authenticator(), latchkey.revoker()),
                    new JwksEndpoint(latchkey.keys(), latchkey.clock()),
                    new RegistrationEndpoint(bodies, latchkey.registrar(), latchkey.config().limits(),
                            latchkey.initialAccessToken(), issuer));
        }
    }

    /** The listen backlog when the kernel's limit cannot be read. */
    static final int DEFAULT_ACCEPT_QUEUE = 1024;

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
        // cost the start 30-40 ms. Oops are compressed below a 32 GiB heap (the default); this is
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
