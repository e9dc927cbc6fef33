package dev.latchkey.server.web;

import dev.latchkey.server.convert.RegistrationRequests;
import dev.latchkey.server.convert.RequestBodies;
import dev.latchkey.server.convert.TokenHintRequests.TokenHintRequest;
import dev.latchkey.server.convert.TokenHintRequests;
import dev.latchkey.server.convert.TokenRequests.TokenRequest;
import dev.latchkey.server.convert.TokenRequests;
import dev.latchkey.server.render.ClientResponses;
import dev.latchkey.server.render.HealthResponses;
import dev.latchkey.server.render.IntrospectionResponses;
import dev.latchkey.server.render.JwksResponses;
import dev.latchkey.server.render.RevocationResponses;
import dev.latchkey.server.render.ServerMetadata;
import dev.latchkey.server.render.TokenResponses;
import dev.latchkey.server.dashboard.AdminApi;
import dev.latchkey.server.dashboard.Management;
import dev.latchkey.server.dashboard.Pages;
import dev.latchkey.server.dashboard.Request;
import dev.latchkey.server.dashboard.Route;
import dev.latchkey.core.authorize.Authorizations;
import dev.latchkey.core.authorize.DeviceFlows;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.registry.ClientRegistrar;
import dev.latchkey.core.key.KeyManager;
import dev.latchkey.server.convert.ClientAuthentication;
import dev.latchkey.server.convert.Form;
import dev.latchkey.server.render.Reply;
import dev.latchkey.core.key.KeyRing;
import dev.latchkey.server.signin.UserPages;
import dev.latchkey.server.signin.Userinfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;

/**
 * Every route of the server, next to the standard it implements; each is convert, pipeline, render:
 * <pre>
 *   POST /oauth2/token   TokenRequests.parse  ->  TokenPipeline.token  ->  TokenResponses.reply
 * </pre>
 * Every failure is an OAuth JSON error ({@link Failures}): expected ones as their
 * {@link dev.latchkey.core.error.OAuthError}, a database outage as 503 {@code temporarily_unavailable},
 * anything else as 500 {@code server_error} with the cause logged (never a token: exception messages
 * never carry one); Jetty's own errors too ({@link JsonErrorHandler}).
 *
 * <p>The service behind the routes may still be opening its store and keys on another thread when
 * the server starts listening: a request that comes before it is ready waits for it (liveness and
 * the metadata answer at once). Routes that wait for the store outright run on its workers.
 */
public final class Routes implements AutoCloseable {

    public static final String METADATA = "/.well-known/oauth-authorization-server";
    public static final String TOKEN = "/oauth2/token";
    public static final String INTROSPECT = "/oauth2/introspect";
    public static final String REVOKE = "/oauth2/revoke";
    public static final String JWKS = "/oauth2/jwks";
    public static final String REGISTER = "/oauth2/register";
    public static final String OPENID_CONFIGURATION = "/.well-known/openid-configuration";
    public static final String USERINFO = "/userinfo";
    public static final String PAR = "/oauth2/par";
    public static final String DEVICE_AUTHORIZATION = "/oauth2/device_authorization";

    private final Router router;
    private final IdleReclaimer idle = new IdleReclaimer();
    private final AuthenticationFailures authenticationFailures;
    private final AddressLimits failedAttempts;
    private final List<String> mtlsMethods;
    private final boolean federation;

    /** What a listener serves. */
    public enum Part {
        /** The OAuth endpoints, the sign-in pages, userinfo. */
        TOKENS,
        /** The dashboard and the admin API. */
        DASHBOARD,
        /** /health, /health/ready, /health/started, /health/live. */
        HEALTH,
        /** /metrics. */
        METRICS
    }

    /** Everything on one listener. */
    public static final Set<Part> EVERYTHING = EnumSet.allOf(Part.class);

    /**
     * @param assembly      the services, once assembled
     * @param issuer        the issuer identifier, which prefixes every endpoint's absolute URI
     * @param parts         what this listener serves
     * @param requirePushed every authorization request must be pushed (--require-par): the metadata says so
     * @param metrics       the server's metrics, shared by all its listeners
     */
    public Routes(CompletableFuture<Services> assembly, int maxBodyBytes, String issuer, Set<Part> parts,
            boolean requirePushed, Metrics metrics) {
        this(assembly, maxBodyBytes, issuer, parts, requirePushed, metrics, ClientAddress.DIRECT);
    }

    /** @param addresses how a request's source address is found (--trusted-proxies) */
    public Routes(CompletableFuture<Services> assembly, int maxBodyBytes, String issuer, Set<Part> parts,
            boolean requirePushed, Metrics metrics, ClientAddress addresses) {
        this(assembly, maxBodyBytes, issuer, parts, requirePushed, metrics, addresses, 0, Offered.BASIC);
    }

    /**
     * What the configuration turns on beyond the basics, which the metadata must list.
     *
     * @param mtls       mutual TLS is on: the metadata offers its methods and bound tokens
     * @param pki        a CA is trusted for tls_client_auth (--mtls-ca): the metadata offers it
     * @param federation external issuers are trusted (--federation): the JWT bearer grant is offered
     */
    public record Offered(boolean mtls, boolean pki, boolean federation) {
        public static final Offered BASIC = new Offered(false, false, false);
    }

    /** @param failedAttemptsPerMinute per source address, before it is refused ({@link AddressLimits}); 0: none */
    public Routes(CompletableFuture<Services> assembly, int maxBodyBytes, String issuer, Set<Part> parts,
            boolean requirePushed, Metrics metrics, ClientAddress addresses, int failedAttemptsPerMinute,
            Offered offered) {
        this.federation = offered.federation();
        this.mtlsMethods = !offered.mtls() ? List.of() : offered.pki()
                ? List.of("tls_client_auth", "self_signed_tls_client_auth") : List.of("self_signed_tls_client_auth");
        this.failedAttempts = new AddressLimits(failedAttemptsPerMinute);
        RequestBodies bodies = new RequestBodies(maxBodyBytes);
        metrics.readFrom(() -> assembly.isDone() && !assembly.isCompletedExceptionally()
                ? assembly.join().telemetry() : Telemetry.NONE);
        Executor workers = task -> assembly.join().workers().execute(task);
        // A burst of failed client authentication goes to the audit log, written on a store worker.
        this.authenticationFailures = new AuthenticationFailures((endpoint, clientId, source, failures) -> {
            try {
                Services services = assembly.join();
                services.workers().execute(() -> services.audit().accept(services.auditEvents().event(
                        new dev.latchkey.core.audit.Actor("client:" + clientId, null, false, source),
                        "client.authentication.burst", "client", clientId, null, null,
                        Map.of("endpoint", endpoint, "failures_in_a_minute", failures))));
            } catch (RuntimeException busy) {
                // the workers are full: the WARN line has said it already
            }
        });
        Map<String, String> endpoints = Map.of("authorization_endpoint", issuer + UserPages.AUTHORIZE,
                "token_endpoint", issuer + TOKEN, "jwks_uri", issuer + JWKS,
                "registration_endpoint", issuer + REGISTER, "introspection_endpoint", issuer + INTROSPECT,
                "revocation_endpoint", issuer + REVOKE, "userinfo_endpoint", issuer + USERINFO,
                "pushed_authorization_request_endpoint", issuer + PAR,
                "device_authorization_endpoint", issuer + DEVICE_AUTHORIZATION,
                "end_session_endpoint", issuer + "/logout");
        String registerUri = issuer + REGISTER;

        this.router = new Router(bodies, new Failures(metrics), metrics, idle, addresses);
        if (parts.contains(Part.TOKENS)) {
            tokenService(assembly, bodies, metrics, workers, issuer, endpoints, registerUri, requirePushed);
            // The end users' side: the authorization endpoint, login and consent pages (RFC 6749 §4.1).
            UserPages users = new UserPages(() -> assembly.join().management(), () -> assembly.join().users(), issuer);
            for (Route route : users.routes()) {
                register(route, workers);
            }
            java.net.URI userinfoUri = java.net.URI.create(issuer + USERINFO);
            Userinfo userinfo = new Userinfo(token -> assembly.join().management().bearer().apply(token),
                    () -> assembly.join().users().accounts(), (proof, method, token) ->  // RFC 9449 §7.1
                            assembly.join().pipelines().dpop().resource(proof, method, userinfoUri, token));
            router.route(HttpMethod.GET, USERINFO, Router.onWorkers(call ->                    // OIDC Core §5.3
                            userinfo.reply("GET", call.header(HttpHeader.AUTHORIZATION), dpopProof(call),
                                    certificate(call), null), workers))
                    .route(HttpMethod.POST, USERINFO, Router.onWorkers(call ->
                            userinfo.reply("POST", call.header(HttpHeader.AUTHORIZATION), dpopProof(call),
                                    certificate(call), call.body()), workers));
        }
        if (parts.contains(Part.DASHBOARD)) {
            // The dashboard and the admin API (DESIGN.md): every route waits for the store or a password hash.
            Supplier<Management> management = () -> assembly.join().management();
            List<Route> routes = new ArrayList<>(new AdminApi(management, maxBodyBytes).routes());
            routes.addAll(new Pages(management).routes());
            for (Route route : routes) {
                register(route, workers);
            }
        }
        if (parts.contains(Part.HEALTH)) {
            // Readiness: the database reads and takes writes, a key signs, every migration is applied.
            router.route(HttpMethod.GET, "/health", Router.onWorkers(call ->
                            HealthResponses.ready(assembly.join().readiness().get()), workers))
                    .route(HttpMethod.GET, "/health/ready", Router.onWorkers(call ->  // the same, by its conventional name
                            HealthResponses.ready(assembly.join().readiness().get()), workers))
                    .route(HttpMethod.GET, "/health/started", Router.immediate(call -> // startup: store and keys opened
                            HealthResponses.ready(assembly.isDone() && !assembly.isCompletedExceptionally())))
                    .route(HttpMethod.GET, "/health/live", Router.immediate(call -> HealthResponses.live()));  // liveness
        }
        if (parts.contains(Part.METRICS)) {
            router.route(HttpMethod.GET, "/metrics", Router.immediate(metrics::handle));                // Prometheus text format
        }
    }

    private void tokenService(CompletableFuture<Services> assembly, RequestBodies bodies, Metrics metrics,
            Executor workers, String issuer, Map<String, String> endpoints, String registerUri, boolean requirePushed) {
        java.net.URI parUri = java.net.URI.create(issuer + PAR);
        router.route(HttpMethod.GET, METADATA, Router.immediate(call ->                         // RFC 8414 §3
                        Cors.anyOrigin(ServerMetadata.reply(issuer, endpoints, requirePushed, mtlsMethods, federation))))
                .route(HttpMethod.GET, OPENID_CONFIGURATION, Router.immediate(call ->             // OIDC Discovery §4
                        Cors.anyOrigin(ServerMetadata.reply(issuer, endpoints, requirePushed, mtlsMethods, federation))))
                // RFC 8414 §3.1: an issuer with a path has its metadata at the well-known path plus its path.
                .route(HttpMethod.GET, METADATA + dev.latchkey.server.config.ServerConfig.issuerPath(issuer),
                        Router.immediate(call -> Cors.anyOrigin(ServerMetadata.reply(issuer, endpoints, requirePushed, mtlsMethods, federation))))
                .route(HttpMethod.POST, TOKEN, call -> {                                          // RFC 6749 §3.2, §4.4, §6
                    refuseFailingAddress(call);
                    TokenRequest request = TokenRequests.parse(call.header(HttpHeader.AUTHORIZATION), call.form(bodies),
                            List.of(issuer, issuer + TOKEN));
                    dev.latchkey.core.client.ClientCredentials credentials =
                            request.credentials().withCertificates(certificates(call));
                    String origin = call.headers().get("Origin");
                    String proof = dpopProof(call);
                    return logFailedAuthentication(TOKEN, credentials, call.source(), () ->
                            assembly.join().pipelines().tokens().token(credentials, request.grant(), proof))
                            .thenApply(result -> {
                                metrics.issued(request.grant(), result.tokens().format(), result.client().clientId());
                                Reply reply = request.grant() instanceof dev.latchkey.core.grant.TokenExchangeGrant
                                        ? TokenResponses.exchanged(result) : TokenResponses.reply(result);
                                // RFC 9449 §8: the nonce for the client's next proof, when it needs one.
                                String nonce = proof == null ? null
                                        : assembly.join().pipelines().dpop().nonceFor(result.client());
                                if (nonce != null) {
                                    reply = reply.withHeader("DPoP-Nonce", nonce);
                                }
                                // RFC 9700 §2.6: a page of the client's own (an origin of its redirect
                                // URIs) may read the answer; no other.
                                return origin != null && result.client().metadata().userFlows().origins()
                                        .contains(origin) ? Cors.allow(reply, origin) : reply;
                            });
                })
                .route(HttpMethod.POST, PAR, Router.onWorkers(call -> {                          // RFC 9126 §2
                    refuseFailingAddress(call);
                    Form form = call.form(bodies);
                    Services services = assembly.join();
                    RegisteredClient client = countingFailures(call, () -> services.pipelines().tokens().authenticateNow(
                            ClientAuthentication.parse(call.header(HttpHeader.AUTHORIZATION), form,
                                    List.of(issuer, issuer + PAR)).withCertificates(certificates(call))));  // RFC 9126 §2: the issuer must be accepted
                    Map<String, String> parameters = new java.util.HashMap<>();
                    java.util.Set<String> repeated = new java.util.HashSet<>();
                    form.parameters().forEach((name, values) -> {
                        if (!name.equals("client_secret") && !name.startsWith("client_assertion") && !values.isEmpty()
                                && !values.get(0).isEmpty()) {
                            parameters.put(name, values.get(0));
                        }
                        if (values.size() > 1) {
                            repeated.add(name);
                        }
                    });
                    // RFC 9449 §10.1: a DPoP proof at the PAR endpoint binds the code to its key (as dpop_jkt).
                    String proof = dpopProof(call);
                    if (proof != null) {
                        String jkt = services.pipelines().dpop().resource(proof, "POST", parUri, null).thumbprint();
                        if (parameters.containsKey("dpop_jkt") && !parameters.get("dpop_jkt").equals(jkt)) {
                            throw dev.latchkey.core.error.OAuthError.INVALID_DPOP_PROOF.toException(
                                    "dpop_jkt is not the thumbprint of the DPoP proof's key");
                        }
                        parameters.put("dpop_jkt", jkt);
                    }
                    Authorizations.Pushed pushed = services.users().authorizations().push(client, parameters, repeated);
                    return Reply.noStore(201, Map.of("request_uri", pushed.requestUri(), "expires_in",
                            pushed.expiresIn()));
                }, workers))
                .route(HttpMethod.POST, DEVICE_AUTHORIZATION, Router.onWorkers(call -> {         // RFC 8628 §3.1
                    refuseFailingAddress(call);
                    Form form = call.form(bodies);
                    Services services = assembly.join();
                    RegisteredClient client = countingFailures(call, () -> services.pipelines().tokens().authenticateNow(
                            ClientAuthentication.parse(call.header(HttpHeader.AUTHORIZATION), form,
                                    List.of(issuer, issuer + DEVICE_AUTHORIZATION)).withCertificates(certificates(call))));
                    java.util.Optional<dev.latchkey.core.scope.Scope> scope = java.util.Optional.ofNullable(
                            form.single("scope")).map(value -> dev.latchkey.core.scope.Scope.parse(value,
                            dev.latchkey.core.error.OAuthError.INVALID_SCOPE));
                    DeviceFlows.Started started = services.users().devices().start(client, scope);
                    String verification = issuer + UserPages.DEVICE;
                    Map<String, Object> body = new java.util.LinkedHashMap<>();
                    body.put("device_code", started.deviceCode());
                    body.put("user_code", started.displayCode());
                    body.put("verification_uri", verification);
                    body.put("verification_uri_complete", verification + "?user_code=" + started.displayCode());
                    body.put("expires_in", started.expiresIn());
                    body.put("interval", started.interval());
                    return Reply.noStore(200, body);
                }, workers))
                .route(HttpMethod.POST, INTROSPECT, call -> {                                     // RFC 7662 §2
                    refuseFailingAddress(call);
                    TokenHintRequest request = TokenHintRequests.parse(call.header(HttpHeader.AUTHORIZATION),
                            call.form(bodies), List.of(issuer, issuer + INTROSPECT));
                    return logFailedAuthentication(INTROSPECT, request.credentials(), call.source(), () ->
                            assembly.join().pipelines().introspection().introspect(
                                    request.credentials().withCertificates(certificates(call)), request.token(),
                                    request.tokenTypeHint()))
                            .thenCompose(result -> !result.actsForUser() ? CompletableFuture.completedFuture(result)
                                    // RFC 7662 §2.2 username: a user's tokens only, read on the store workers.
                                    : CompletableFuture.supplyAsync(() -> assembly.join().users().accounts()
                                            .find(result.subject()).map(account -> result.withUsername(
                                                    account.username())).orElse(result), workers))
                            .thenApply(IntrospectionResponses::reply);
                })
                .route(HttpMethod.POST, REVOKE, call -> {                                         // RFC 7009 §2
                    refuseFailingAddress(call);
                    TokenHintRequest request = TokenHintRequests.parse(call.header(HttpHeader.AUTHORIZATION),
                            call.form(bodies), List.of(issuer, issuer + REVOKE));
                    return logFailedAuthentication(REVOKE, request.credentials(), call.source(), () ->
                            assembly.join().pipelines().revocation().revoke(
                                    request.credentials().withCertificates(certificates(call)), request.token(),
                                    request.tokenTypeHint()))
                            .thenApply(revoked -> RevocationResponses.reply());
                })
                .route(HttpMethod.GET, JWKS, Router.immediate(call -> {                           // RFC 7517 §5
                    Services services = assembly.join();
                    Instant now = services.clock().instant();
                    List<KeyRing.Key> keys = new ArrayList<>(services.keys().ring().published(now,
                            services.keys().maxTokenTtl()));
                    KeyManager idKeys = services.users().idKeys();
                    keys.addAll(idKeys.ring().publishedPerAlgorithm(now, idKeys.maxTokenTtl()));
                    return Cors.anyOrigin(JwksResponses.reply(keys, services.keys().jwksMaxAge()));
                }))
                .route(HttpMethod.POST, REGISTER, Router.onWorkers(call -> {                      // RFC 7591 §3
                    refuseFailingAddress(call);
                    ClientRegistrar.Registration registration = countingFailures(call, () -> assembly.join().registrar()
                            .register(bearer(call), RegistrationRequests.json(bodies, call.header(HttpHeader.CONTENT_TYPE),
                                    call.body()), call.source()));
                    return Cors.forClient(ClientResponses.registered(registration, registerUri), registration.client(),
                            call.headers().get("Origin"));
                }, workers))
                .route(HttpMethod.GET, REGISTER + "/{client_id}", Router.onWorkers(call -> {      // RFC 7592 §2.1
                    refuseFailingAddress(call);
                    RegisteredClient client = countingFailures(call, () -> assembly.join().registrar()
                            .read(call.pathParameter(), bearer(call)));
                    return Cors.forClient(ClientResponses.client(client, registerUri), client,
                            call.headers().get("Origin"));
                }, workers))
                .route(HttpMethod.PUT, REGISTER + "/{client_id}", Router.onWorkers(call -> {      // RFC 7592 §2.2
                    refuseFailingAddress(call);
                    RegisteredClient client = countingFailures(call, () -> assembly.join().registrar().update(
                            call.pathParameter(), bearer(call), RegistrationRequests.json(bodies,
                                    call.header(HttpHeader.CONTENT_TYPE), call.body()), call.source()));
                    return Cors.forClient(ClientResponses.client(client, registerUri), client,
                            call.headers().get("Origin"));
                }, workers))
                .route(HttpMethod.DELETE, REGISTER + "/{client_id}", Router.onWorkers(call -> {   // RFC 7592 §2.3
                    refuseFailingAddress(call);
                    countingFailures(call, () -> {
                        assembly.join().registrar().delete(call.pathParameter(), bearer(call), call.source());
                        return null;
                    });
                    return ClientResponses.deleted();
                }, workers))
                // CORS preflights (RFC 9700 §2.6): the token, metadata, JWKS and registration endpoints, never
                // the authorization endpoint. A preflight grants nothing: the answer's own
                // Access-Control-Allow-Origin decides whether the page may read it.
                .route(HttpMethod.OPTIONS, TOKEN, Router.immediate(call -> Cors.preflight(call.headers().get("Origin"))))
                .route(HttpMethod.OPTIONS, REGISTER, Router.immediate(call ->
                        Cors.preflight(call.headers().get("Origin"))))
                .route(HttpMethod.OPTIONS, REGISTER + "/{client_id}", Router.immediate(call ->
                        Cors.preflight(call.headers().get("Origin"))))
                .route(HttpMethod.OPTIONS, METADATA, Router.immediate(call -> Cors.preflight("*")))
                .route(HttpMethod.OPTIONS, OPENID_CONFIGURATION, Router.immediate(call -> Cors.preflight("*")))
                .route(HttpMethod.OPTIONS, JWKS, Router.immediate(call -> Cors.preflight("*")));
    }

    /** Whether a request failed with the OAuth error {@code code} (unwrapped from its future's exception). */
    private static boolean refusedWith(Throwable failure, String code) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException wrapped
                && wrapped.getCause() != null ? wrapped.getCause() : failure;
        return cause instanceof dev.latchkey.core.error.OAuthException refused && refused.error().code().equals(code);
    }

    /**
     * Logs a request whose client failed to authenticate (AuthenticationFailures), and passes the answer
     * on. A request without client credentials (the JWT bearer grant, RFC 7523 §3.1) whose assertion
     * failed counts against its source address as a failed client authentication does.
     */
    private <T> CompletableFuture<T> logFailedAuthentication(String endpoint,
            dev.latchkey.core.client.ClientCredentials credentials, String source, Supplier<CompletableFuture<T>> request) {
        CompletableFuture<T> answer;
        // The request's id, for the log line, which may be written on whichever thread failed it.
        String requestId = org.slf4j.MDC.get(Router.REQUEST_ID_MDC);
        try {
            answer = request.get(); // a client checked on this thread fails here, not in the future
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.whenComplete((result, failure) -> {
            if (credentials.isAbsent() && refusedWith(failure, "invalid_grant")) {
                failedAttempts.failed(source);
            }
            if (refusedWith(failure, "invalid_client")) {
                failedAttempts.failed(source);
                String before = org.slf4j.MDC.get(Router.REQUEST_ID_MDC);
                if (requestId != null) {
                    org.slf4j.MDC.put(Router.REQUEST_ID_MDC, requestId);
                }
                try {
                    authenticationFailures.failed(endpoint, credentials.clientId(), source);
                } finally {
                    if (before == null) {
                        org.slf4j.MDC.remove(Router.REQUEST_ID_MDC);
                    } else {
                        org.slf4j.MDC.put(Router.REQUEST_ID_MDC, before);
                    }
                }
            }
        });
    }

    /** 429 for an address past its failed attempts ({@link AddressLimits}), before anything is checked. */
    private void refuseFailingAddress(Router.Call call) {
        long wait = failedAttempts.wait(call.source());
        if (wait > 0) {
            throw new dev.latchkey.core.error.OAuthException(dev.latchkey.core.error.OAuthError.RATE_LIMITED
                    .withDescription("Too many failed attempts from this address; retry after " + wait + " s"), wait);
        }
    }

    /** Runs a check that authenticates the caller; its failure counts against the caller's address. */
    private <T> T countingFailures(Router.Call call, Supplier<T> check) {
        try {
            return check.get();
        } catch (dev.latchkey.core.error.OAuthException refused) {
            String code = refused.error().code();
            if (code.equals("invalid_client") || code.equals("invalid_token")) {
                failedAttempts.failed(call.source());
            }
            throw refused;
        }
    }

    private void register(Route route, Executor workers) {
        router.route(HttpMethod.fromString(route.method()), route.pattern(), Router.onWorkers(call ->
                route.handler().apply(new Request(route.method(), call.parameters(), call.query(),
                        name -> call.headers().get(name), call.body(), call.source())), workers));
    }

    /**
     * The request's DPoP proof (RFC 9449 §4.1), or null without one; more than one header is
     * {@code invalid_dpop_proof} (§4.3 check 1).
     */
    static String dpopProof(Router.Call call) {
        List<String> proofs = call.headers().getValuesList("DPoP");
        if (proofs.size() > 1) {
            throw dev.latchkey.core.error.OAuthError.INVALID_DPOP_PROOF.toException(
                    "Send exactly one DPoP header");
        }
        return proofs.isEmpty() ? null : proofs.get(0);
    }

    /**
     * The request's client certificate chain, read only with --mtls: without it no certificate counts,
     * neither a TLS one nor one a trusted proxy forwards.
     */
    private List<java.security.cert.X509Certificate> certificates(Router.Call call) {
        return mtlsMethods.isEmpty() ? List.of() : call.certificates();
    }

    /** The thumbprint of the request's client certificate (RFC 8705 §3.1), or null without one. */
    private dev.latchkey.core.secret.Confirmation certificate(Router.Call call) {
        List<java.security.cert.X509Certificate> chain = certificates(call);
        return chain.isEmpty() ? null : dev.latchkey.core.assertion.ClientCertificates.confirmation(chain.get(0));
    }

    private static String bearer(Router.Call call) {
        return RegistrationRequests.bearer(call.header(HttpHeader.AUTHORIZATION));
    }

    Router router() {
        return router;
    }

    @Override
    public void close() {
        idle.close();
    }
}
