package dev.latchkey.server.pipeline;

import dev.latchkey.core.client.ClientCredentials;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.store.record.AuthorizationCode;
import dev.latchkey.core.decision.AuthorizationCodeDecision;
import dev.latchkey.core.decision.ClientCredentialsDecision;
import dev.latchkey.core.decision.DeviceCodeDecision;
import dev.latchkey.core.grant.AuthorizationCodeGrant;
import dev.latchkey.core.grant.DeviceCodeGrant;
import dev.latchkey.core.store.record.DeviceAuthorization;
import dev.latchkey.core.store.record.Redemption;
import dev.latchkey.core.grant.GrantType;
import dev.latchkey.core.store.AuthorizationStore;
import dev.latchkey.core.decision.GrantOutcome;
import dev.latchkey.core.decision.GrantResult;
import dev.latchkey.core.decision.RefreshTokenDecision;
import dev.latchkey.core.decision.RefreshTokenRead;
import dev.latchkey.core.decision.TokenWrite;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.error.OAuthException;
import dev.latchkey.core.grant.ClientCredentialsGrant;
import dev.latchkey.core.grant.GrantRequest;
import dev.latchkey.core.grant.RefreshTokenGrant;
import dev.latchkey.core.store.TokenStore;
import dev.latchkey.core.store.record.StoredRefreshToken;
import dev.latchkey.core.usage.UsageCounter;
import dev.latchkey.store.jdbc.AsyncTokenStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The path of every grant at the token endpoint (RFC 6749 §3.2): authenticate the client, read what
 * the grant needs, let its decision in core decide, carry the outcome out (write through the group
 * commit; on a lost compare-and-set read again and decide again), and hand back what to render.
 *
 * <p>Threads, the one place that says so: everything runs on the calling HTTP thread until the
 * first write. Client lookups the caches answer stay on it (a miss is read on a store worker);
 * the refresh grant reads its token on it, one indexed read: the decision that follows signs a JWT,
 * which must not run on the few threads that serve batched lookups (tried: PostgreSQL rotations fell
 * from about 6,000 to 1,600/s, each lookup thread signing a whole batch before its next query). A
 * write completes on the writer thread after its commit, which then only builds the result (the
 * caller renders it there too, without waiting on anything). Work that must read or write again
 * after a commit (a lost race, a family revocation) moves to the store workers: the writer thread
 * never waits on the store it serves. Thread-safe.
 *
 * <p>Adding a grant: a {@link GrantRequest} type, its converter, its decision in core, and its
 * method in {@link #decide}'s visitor (the compiler asks for it).
 */
public final class TokenPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(TokenPipeline.class);

    private final Authentication authentication;
    private final TokenStore reads;
    private final AsyncTokenStore tokens;
    private final FamilyRevocations families;
    private final ClientCredentialsDecision clientCredentials;
    private final RefreshTokenDecision refreshTokens;
    private final AuthorizationCodeDecision codes;
    private final DeviceCodeDecision devices;
    private final AuthorizationStore codeStore;
    private final UsageCounter usage;
    private final Executor workers;
    private final Clock clock;
    private final RateLimiter limiter;
    private final DpopCheck dpop;
    private final Quotas quotas;
    private final dev.latchkey.core.decision.TokenExchangeDecision exchanges;
    private final PresentedTokens presented;
    private final FederatedIdentities federation;
    private final dev.latchkey.core.decision.JwtBearerDecision jwtBearers;

    TokenPipeline(FederatedIdentities federation, dev.latchkey.core.decision.JwtBearerDecision jwtBearers,
            dev.latchkey.core.decision.TokenExchangeDecision exchanges, PresentedTokens presented, DpopCheck dpop, Quotas quotas, Authentication authentication, TokenStore reads, AsyncTokenStore tokens, FamilyRevocations families,
            ClientCredentialsDecision clientCredentials, RefreshTokenDecision refreshTokens,
            AuthorizationCodeDecision codes, DeviceCodeDecision devices, AuthorizationStore codeStore,
            UsageCounter usage, Executor workers, Clock clock) {
        this.codes = codes;
        this.devices = devices;
        this.codeStore = codeStore;
        this.usage = usage;
        this.authentication = authentication;
        this.reads = reads;
        this.tokens = tokens;
        this.families = families;
        this.clientCredentials = clientCredentials;
        this.refreshTokens = refreshTokens;
        this.workers = workers;
        this.clock = clock;
        this.limiter = new RateLimiter(clock);
        this.dpop = dpop;
        this.quotas = quotas;
        this.exchanges = exchanges;
        this.presented = presented;
        this.federation = federation;
        this.jwtBearers = jwtBearers;
    }

    /**
     * The tokens a request gets, once what they need stored is durable; fails with the
     * {@link dev.latchkey.core.error.OAuthException} to answer, or a
     * {@link dev.latchkey.core.store.StoreUnavailableException} (503).
     */
    public CompletableFuture<GrantResult> token(ClientCredentials credentials, GrantRequest grant) {
        return token(credentials, grant, null);
    }

    /** @param dpopProof the request's {@code DPoP} header (RFC 9449 §4.1), or null when it sent none */
    public CompletableFuture<GrantResult> token(ClientCredentials credentials, GrantRequest grant, String dpopProof) {
        if (!dev.latchkey.core.trace.Tracing.enabled()) {
            return counted(credentials, grant, dpopProof);
        }
        // A span from authentication to the written answer (the reads and the write are its children or links).
        io.opentelemetry.api.trace.Span span = dev.latchkey.core.trace.Tracing.tracer().spanBuilder("oauth2.token")
                .setAttribute("oauth2.grant_type", grant.type().wireName())
                .setAttribute("oauth2.client_id", String.valueOf(credentials.clientId())).startSpan();
        try (var scope = span.makeCurrent()) {
            return counted(credentials, grant, dpopProof).whenComplete((issued, failure) -> {
                if (failure != null) {
                    Throwable cause = failure instanceof CompletionException wrapped ? wrapped.getCause() : failure;
                    span.setAttribute("oauth2.error", cause instanceof OAuthException refused
                            ? refused.error().code() : cause.getClass().getSimpleName());
                }
                span.end();
            });
        }
    }

    private CompletableFuture<GrantResult> counted(ClientCredentials credentials, GrantRequest grant,
            String dpopProof) {
        CompletableFuture<GrantResult> result = grant instanceof dev.latchkey.core.grant.JwtBearerGrant bearer
                ? federated(credentials, bearer).thenCompose(identified ->
                        admitted(identified.client(), credentials, identified.grant(), dpopProof))
                : authentication.authenticate(credentials).thenCompose(client ->
                        admitted(client, credentials, grant, dpopProof));
        if (!usage.enabled()) {
            return result.whenComplete((issued, failure) -> {
                if (issued != null) {
                    quotas.issued(issued.client());
                }
            });
        }
        return result.whenComplete((issued, failure) -> {
            if (issued != null) {
                quotas.issued(issued.client());
                usage.issued(issued.client().clientId());
            } else if ((failure instanceof CompletionException wrapped ? wrapped.getCause() : failure)
                    instanceof OAuthException refused) {
                usage.error(authentication.countedAs(credentials.clientId()), refused.error().code(), clock.instant());
            }
        });
    }

    /** An authenticated (or federated) client's request past its rate limit, quota and proof of possession. */
    private CompletableFuture<GrantResult> admitted(RegisteredClient client, ClientCredentials credentials,
            GrantRequest grant, String dpopProof) {
        long wait = limiter.acquire(client);
        if (wait != 0) {
            return CompletableFuture.failedFuture(new OAuthException(OAuthError.RATE_LIMITED.withDescription(
                    "This client is over its rate limit; retry after " + wait + " s"), wait));
        }
        long quotaWait = quotas.check(client);
        if (quotaWait != 0) {
            return CompletableFuture.failedFuture(new OAuthException(OAuthError.QUOTA_EXCEEDED.withDescription(
                    "This client has had its token quota; retry after " + quotaWait + " s"), quotaWait));
        }
        dev.latchkey.core.secret.Confirmation certificate = certificateBinding(client, credentials);
        if (dpop.skips(client, dpopProof)) {
            return grant(client, grant, certificate, true);
        }
        // The proof's jti is spent by the store's writer: the grant goes on on the workers.
        return dpop.check(client, dpopProof).thenComposeAsync(proven -> grant(client, grant,
                proven != null ? proven : certificate, true), workers);
    }

    private record Identified(RegisteredClient client, dev.latchkey.core.grant.JwtBearerGrant grant) {
    }

    /**
     * The JWT bearer grant's client (RFC 7523 §3.1): with client credentials, the client they
     * authenticate, to which the assertion must map; without any, the one client the assertion maps
     * to, which must be registered and enabled. Verified on the store workers (a key fetch may wait).
     */
    private CompletableFuture<Identified> federated(ClientCredentials credentials,
            dev.latchkey.core.grant.JwtBearerGrant bearer) {
        if (credentials.isAbsent()) {
            return CompletableFuture.supplyAsync(() -> federation.identify(bearer.assertion(), null, clock.instant()),
                    workers).thenCompose(identity -> authentication.client(identity.clientId()).thenApply(found ->
                            new Identified(found.filter(client -> !client.disabled()).orElseThrow(() ->
                                    OAuthError.INVALID_GRANT.toException("the client the assertion maps to is not"
                                            + " registered, or is disabled")), bearer.identified(identity))));
        }
        return authentication.authenticate(credentials).thenApplyAsync(client -> new Identified(client,
                bearer.identified(federation.identify(bearer.assertion(), client.clientId(), clock.instant()))), workers);
    }

    /**
     * RFC 8705 §3: the certificate a client registered for {@code tls_client_certificate_bound_access_tokens}
     * connected with, which its tokens are bound to ({@code cnf.x5t#S256}); null for other clients.
     */
    private static dev.latchkey.core.secret.Confirmation certificateBinding(RegisteredClient client,
            ClientCredentials credentials) {
        if (!client.metadata().senderConstraint().tlsClientCertificateBoundAccessTokens()) {
            return null;
        }
        if (credentials.certificates().isEmpty()) {
            throw OAuthError.INVALID_REQUEST.toException("This client registered tls_client_certificate_bound_access_tokens:"
                    + " connect with its client certificate (mutual TLS)");
        }
        return dev.latchkey.core.assertion.ClientCertificates.confirmation(credentials.certificates().get(0));
    }

    /**
     * The client a request authenticates as, as at the token endpoint (RFC 9126 §2: the PAR
     * endpoint authenticates clients the same way); waits for the store if it must read.
     */
    public RegisteredClient authenticateNow(ClientCredentials credentials) {
        return authentication.authenticateNow(credentials);
    }

    /** A request refused before its client was known (a malformed request): counted for the client it names. */
    public void refusedBeforeAuthentication(String clientId, OAuthException refused) {
        if (usage.enabled()) {
            usage.error(authentication.countedAs(clientId), refused.error().code(), clock.instant());
        }
    }

    /** @param mayRetry false after a lost compare-and-set: the second decision cannot lose another */
    /** @param proven the key the request proved (DPoP), or null: what its tokens are bound to */
    private CompletableFuture<GrantResult> grant(RegisteredClient client, GrantRequest grant,
            dev.latchkey.core.secret.Confirmation proven, boolean mayRetry) {
        Instant now = clock.instant(); // as precise as it comes: the decisions take whole seconds of it for token times
        return decide(client, grant, proven, now).thenCompose(outcome ->
                carryOut(client, grant, proven, outcome, now, mayRetry));
    }

    /** Read what the grant needs, then decide: one entry per grant type. */
    private CompletableFuture<GrantOutcome> decide(RegisteredClient client, GrantRequest grant,
            dev.latchkey.core.secret.Confirmation proven, Instant now) {
        return grant.accept(new GrantRequest.Visitor<>() {
            @Override
            public CompletableFuture<GrantOutcome> clientCredentials(ClientCredentialsGrant request) {
                return CompletableFuture.completedFuture(clientCredentials.decide(client, request, proven, now));
            }

            @Override
            public CompletableFuture<GrantOutcome> refreshToken(RefreshTokenGrant request) {
                return CompletableFuture.completedFuture(
                        refreshTokens.decide(client, request, readRefreshToken(request, now), proven, now));
            }

            @Override
            public CompletableFuture<GrantOutcome> authorizationCode(AuthorizationCodeGrant request) {
                // Rare beside the other grants, and it may create the first id_token key: on the workers.
                return CompletableFuture.supplyAsync(() ->
                        codes.decide(client, request, codeStore.findCode(request.code()), proven, now), workers);
            }

            @Override
            public CompletableFuture<GrantOutcome> tokenExchange(dev.latchkey.core.grant.TokenExchangeGrant request) {
                // The subject and actor tokens are read as introspection reads them: on the workers.
                return CompletableFuture.supplyAsync(() -> exchanges.decide(client, request,
                        presented.read(request.subjectToken(), request.subjectTokenType(), now),
                        presented.read(request.actorToken(), request.actorTokenType(), now),
                        proven, now), workers);
            }

            @Override
            public CompletableFuture<GrantOutcome> jwtBearer(dev.latchkey.core.grant.JwtBearerGrant request) {
                return CompletableFuture.completedFuture(jwtBearers.decide(client, request, proven, now));
            }

            @Override
            public CompletableFuture<GrantOutcome> deviceCode(DeviceCodeGrant request) {
                return CompletableFuture.supplyAsync(() -> {
                    Optional<DeviceAuthorization> device = codeStore.findDevice(request.deviceCode());
                    GrantOutcome outcome = devices.decide(client, request, device, proven, now);
                    // RFC 8628 §3.5: every poll of a pending authorization is recorded with the
                    // interval the client must keep from now on (5 s more after a slow_down).
                    device.filter(found -> found.status() == DeviceAuthorization.Status.PENDING
                                    && found.clientId().equals(client.clientId()) && !found.isExpired(now))
                            .ifPresent(found -> codeStore.pollDevice(found.hash(), now,
                                    DeviceCodeDecision.nextInterval(found, now)));
                    return outcome;
                }, workers);
            }
        });
    }

    private RefreshTokenRead readRefreshToken(RefreshTokenGrant request, Instant now) {
        Optional<StoredRefreshToken> found = reads.findRefreshToken(request.refreshToken().hash());
        return new RefreshTokenRead(found,
                RefreshTokenDecision.successorToRead(found, now).flatMap(reads::findRefreshToken));
    }

    CompletableFuture<GrantResult> carryOut(RegisteredClient client, GrantRequest grant,
            dev.latchkey.core.secret.Confirmation proven, GrantOutcome outcome, Instant now, boolean mayRetry) {
        if (outcome instanceof GrantOutcome.Issue issue) {
            GrantResult result = new GrantResult(client, issue.tokens());
            return write(issue.write()).thenCompose(written -> {
                if (written) {
                    return CompletableFuture.completedFuture(result);
                }
                // Another request rotated the token between our read and our compare-and-set: read
                // again and decide again, off the writer thread.
                if (!mayRetry) {
                    return CompletableFuture.failedFuture(OAuthError.INVALID_GRANT.toException(
                            "Refresh token is invalid, expired or revoked"));
                }
                return CompletableFuture.supplyAsync(() -> grant(client, grant, proven, false), workers)
                        .thenCompose(again -> again);
            });
        }
        if (outcome instanceof GrantOutcome.Repeat repeat) {
            return CompletableFuture.completedFuture(new GrantResult(client, repeat.tokens()));
        }
        if (outcome instanceof GrantOutcome.RevokeFamily revoke) {
            return CompletableFuture.supplyAsync(() -> {
                families.revoke(revoke.familyId(), now, client.clientId(), client.ownerId(), FamilyRevocations.REUSE);
                LOG.warn("{} reuse by client {}: family {} revoked", grant.type() == GrantType.REFRESH_TOKEN
                        ? "Refresh token" : "Authorization or device code", client.clientId(), revoke.familyId());
                throw revoke.error().toException();
            }, workers);
        }
        if (outcome instanceof GrantOutcome.Refuse refuse) {
            return CompletableFuture.failedFuture(refuse.error().toException());
        }
        throw new IllegalStateException("no step for " + outcome); // GrantOutcome is sealed; a test covers each
    }

    /**
     * A user's authorization redeemed: the compare-and-set that spends it and the family it issues,
     * in one transaction ({@link Redemption}). If another redemption won, nothing of ours was
     * written; the winner's family is revoked (on the workers: it reads and writes) and the request
     * fails.
     */
    private CompletableFuture<Boolean> redeemOnce(Redemption.Kind kind, dev.latchkey.core.secret.TokenHash grant,
            TokenWrite.StartFamily start, String what, java.util.function.Supplier<Optional<String>> winner) {
        return tokens.redeemAsync(new Redemption(kind, grant, clock.instant(), start.family(), start.refreshToken(),
                start.accessToken())).thenCompose(spent -> spent ? CompletableFuture.completedFuture(true)
                : CompletableFuture.supplyAsync(() -> {
                    winner.get().ifPresent(family -> families.revoke(family, clock.instant(), start.family().clientId(),
                            null, FamilyRevocations.REUSE));
                    LOG.warn("An {} was redeemed twice by client {}: its tokens are revoked", what,
                            start.family().clientId());
                    throw OAuthError.INVALID_GRANT.toException(
                            "The " + what + " was already used; the tokens issued from it are revoked");
                }, workers));
    }

    /** Carries a write out; true unless it was a compare-and-set that lost. */
    CompletableFuture<Boolean> write(TokenWrite write) {
        if (write instanceof TokenWrite.Nothing) {
            return CompletableFuture.completedFuture(true);
        }
        if (write instanceof TokenWrite.SaveAccessToken save) {
            return tokens.saveAccessTokenAsync(save.token()).thenApply(saved -> true);
        }
        if (write instanceof TokenWrite.StartFamily start) {
            return tokens.saveRefreshTokenAsync(start.family(), start.refreshToken(), start.accessToken())
                    .thenApply(saved -> true);
        }
        if (write instanceof TokenWrite.RedeemCode redeem) {
            return redeemOnce(Redemption.Kind.AUTHORIZATION_CODE, redeem.code(), redeem.start(), "authorization code",
                    () -> codeStore.findCode(redeem.code()).map(AuthorizationCode::familyId));
        }
        if (write instanceof TokenWrite.RedeemDevice redeem) {
            return redeemOnce(Redemption.Kind.DEVICE_CODE, redeem.deviceCode(), redeem.start(), "device code",
                    () -> codeStore.findDevice(redeem.deviceCode()).map(DeviceAuthorization::familyId));
        }
        if (write instanceof TokenWrite.Rotate rotate) {
            return tokens.rotateAsync(rotate.rotation());
        }
        throw new IllegalStateException("no step for " + write); // TokenWrite is sealed; a test covers each
    }
}
