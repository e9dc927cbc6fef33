package dev.latchkey.server.web;

import dev.latchkey.server.Latchkey;
import dev.latchkey.server.config.ServerConfig;
import dev.latchkey.server.convert.RequestBodies;
import dev.latchkey.server.render.ErrorResponses;
import dev.latchkey.server.render.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Every route of the server, next to the standard it implements, and the error handling that
 * makes every failure an OAuth JSON error ({@link Failures}): expected ones as their
 * {@link dev.latchkey.core.error.OAuthError}, a database outage as 503 {@code temporarily_unavailable},
 * anything else as 500 {@code server_error} with the cause logged (never a token: exception messages
 * never carry one). The token and introspection endpoints are served by {@link JettyRoutes} in front
 * of Javalin; every request body is read first by {@link BufferedBodies}.
 */
public final class Routes {

    public static final String METADATA = "/.well-known/oauth-authorization-server";
    public static final String TOKEN = "/oauth2/token";
    public static final String INTROSPECT = "/oauth2/introspect";
    public static final String REVOKE = "/oauth2/revoke";
    public static final String JWKS = "/oauth2/jwks";
    public static final String REGISTER = "/oauth2/register";

    private static final Map<String, String> ALLOWED = Map.of(METADATA, "GET", TOKEN, "POST", INTROSPECT, "POST",
            REVOKE, "POST", JWKS, "GET", REGISTER, "POST", "/health", "GET", "/health/live", "GET", "/metrics", "GET");

    private Routes() {
    }

    /**
     * The routes, served as soon as Jetty listens. The service behind them may still be opening
     * its store and keys on another thread (see {@link dev.latchkey.server.LatchkeyServer#start}):
     * a request that comes before it is ready waits for it (liveness answers at once). Building the
     * HTTP server and opening the store need nothing from each other, so they run side by side
     * (measured: 74 ms off a 1.6 s start on 2 cores; the start is CPU-bound, so no more than that).
     */
    public static Javalin create(CompletableFuture<Latchkey> assembly, ServerConfig settings, String issuer,
            int port) {
        RequestBodies bodies = new RequestBodies(settings.maxBodyBytes());
        Metrics metrics = new Metrics();
        CompletableFuture<Endpoints> ready =
                assembly.thenApply(latchkey -> new Endpoints(latchkey, bodies, metrics, issuer));
        var metadata = new MetadataEndpoint(issuer);
        var health = new HealthEndpoint(assembly::join);
        var idle = new IdleReclaimer();
        var failures = new Failures(metrics);
        var hotPaths = new JettyRoutes(Map.<String, Function<Endpoints, JettyRoutes.Endpoint>>of(
                TOKEN, Endpoints::token,              // RFC 6749 §3.2, §4.4, §6
                INTROSPECT, Endpoints::introspection  // RFC 7662 §2
        ), ready, bodies, failures, idle);

        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = settings.host();
            config.jetty.port = port;
            config.jetty.threadPool = threadPool(settings.maxThreads());
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.http.prefer405over404 = true;
            config.jetty.modifyServer(server -> {
                server.setErrorHandler(new JsonErrorHandler());
                // Bodies are read without a thread before any route runs (BufferedBodies); then POST
                // on the token and introspection endpoints goes to a plain Jetty handler in front of
                // Javalin (JettyRoutes); Javalin adds its own handler behind it in this sequence.
                server.setHandler(new BufferedBodies(new Handler.Sequence(hotPaths), bodies, failures));
            });

            config.routes.before(ctx -> idle.touch());
            config.events.serverStopped(idle::close);

            config.routes.get(METADATA, metadata::handle);                                   // RFC 8414 §3
            // POST TOKEN                                                  RFC 6749 §3.2, §4.4, §6: JettyRoutes
            // POST INTROSPECT                                             RFC 7662 §2: JettyRoutes
            config.routes.post(REVOKE, ctx -> ready.join().revocation().handle(ctx));        // RFC 7009 §2
            config.routes.get(JWKS, ctx -> ready.join().jwks().handle(ctx));                 // RFC 7517 §5
            config.routes.post(REGISTER, ctx -> ready.join().registration().register(ctx));  // RFC 7591 §3
            config.routes.get(REGISTER + "/{client_id}", ctx -> ready.join().registration().read(ctx));     // RFC 7592 §2.1
            config.routes.put(REGISTER + "/{client_id}", ctx -> ready.join().registration().update(ctx));   // RFC 7592 §2.2
            config.routes.delete(REGISTER + "/{client_id}", ctx -> ready.join().registration().delete(ctx)); // RFC 7592 §2.3
            config.routes.get("/health", health::ready);                    // readiness: the database answers
            config.routes.get("/health/live", health::live);                // liveness
            config.routes.get("/metrics", metrics::handle);                 // Prometheus text format

            // Javalin throws NotFoundResponse / MethodNotAllowedResponse for a request no route takes.
            // The answer is rendered here, once: no error mapper (config.routes.error) is registered,
            // since Javalin runs those after the exception handlers, and a second write to a
            // response already sent failed and was logged as a server error.
            config.routes.exception(HttpResponseException.class, (e, ctx) -> {
                if (e.getStatus() == 404 || e.getStatus() == 405) {
                    notFoundOrNotAllowed(ctx, e.getStatus());
                } else {
                    ErrorResponses.render(ctx, ErrorResponses.forStatus(e.getStatus(), "HTTP " + e.getStatus()));
                }
            });
            config.routes.exception(Exception.class, (e, ctx) -> Json.send(ctx, failures.reply(e, ctx.method().name(),
                    ctx.path(), ctx.endpoint() == null ? ctx.path() : ctx.endpoint().path)));
        });
    }

    /** The endpoints that need the assembled service, built once it is ready. */
    record Endpoints(TokenEndpoint token, IntrospectionEndpoint introspection,
            RevocationEndpoint revocation, JwksEndpoint jwks, RegistrationEndpoint registration) {

        Endpoints(Latchkey latchkey, RequestBodies bodies, Metrics metrics, String issuer) {
            this(new TokenEndpoint(latchkey.tokenService(), metrics),
                    new IntrospectionEndpoint(latchkey.authenticator(), latchkey.introspector()),
                    new RevocationEndpoint(bodies, latchkey.authenticator(), latchkey.revoker()),
                    new JwksEndpoint(latchkey.keys(), latchkey.clock()),
                    new RegistrationEndpoint(bodies, latchkey.registrar(), latchkey.config().limits(),
                            latchkey.initialAccessToken(), issuer));
        }
    }

    private static QueuedThreadPool threadPool(int maxThreads) {
        QueuedThreadPool pool = new QueuedThreadPool(maxThreads, Math.min(8, maxThreads));
        pool.setName("latchkey-http");
        return pool;
    }

    private static void notFoundOrNotAllowed(Context ctx, int requested) {
        int status = requested;
        if (status == 404 && ALLOWED.containsKey(ctx.path())) {
            // The token and introspection endpoints are served in front of Javalin (JettyRoutes), so
            // Javalin has no route there: another method on them is not allowed, not unknown.
            status = 405;
        }
        if (status == 405) {
            String allowed = ctx.path().startsWith(REGISTER + "/") ? "GET, PUT, DELETE" : ALLOWED.get(ctx.path());
            if (allowed != null) {
                ctx.header("Allow", allowed);
            }
        }
        ErrorResponses.render(ctx, ErrorResponses.forStatus(status,
                status == 404 ? "No such endpoint" : "Method not allowed on this endpoint"));
    }
}
