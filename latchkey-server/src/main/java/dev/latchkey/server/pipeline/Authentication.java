package dev.latchkey.server.pipeline;

import dev.latchkey.core.client.ClientAuthenticator;
import dev.latchkey.core.client.ClientCredentials;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.registry.ClientDirectory;
import dev.latchkey.core.usage.UsageCounter;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The first step of every pipeline: the client a request names, authenticated (RFC 6749 §2.3.1).
 * A client the directory holds in memory (nearly always) is checked on the calling thread; one it
 * must read is read on the store workers, so no HTTP thread waits for the database. Which secret
 * authenticated is counted for its last use. Thread-safe.
 */
final class Authentication {

    private final ClientDirectory clients;
    private final UsageCounter usage;
    private final Executor workers;
    private final Clock clock;

    private final dev.latchkey.core.store.AuthorizationStore assertions;
    private final ClientJwks jwks = new ClientJwks();

    private final java.util.Set<java.security.cert.TrustAnchor> mtlsAnchors;

    Authentication(ClientDirectory clients, UsageCounter usage, Executor workers, Clock clock,
            dev.latchkey.core.store.AuthorizationStore assertions, java.util.Set<java.security.cert.TrustAnchor> mtlsAnchors) {
        this.mtlsAnchors = java.util.Set.copyOf(mtlsAnchors);
        this.assertions = assertions;
        this.clients = clients;
        this.usage = usage;
        this.workers = workers;
        this.clock = clock;
    }

    /** Fails with an {@link dev.latchkey.core.error.OAuthException} {@code invalid_client}. */
    CompletableFuture<RegisteredClient> authenticate(ClientCredentials credentials) {
        if (credentials.method() == dev.latchkey.core.client.AuthMethod.PRIVATE_KEY_JWT) {
            return asserted(credentials);
        }
        if (!credentials.certificates().isEmpty()) {
            // Mutual TLS: a path validation or a fetch of the client's keys may follow, on the store workers.
            return CompletableFuture.supplyAsync(() -> authenticateNow(credentials), workers);
        }
        Optional<RegisteredClient> cached = clients.cached(credentials.clientId());
        if (cached != null) {
            return CompletableFuture.completedFuture(check(credentials, cached));
        }
        return CompletableFuture.supplyAsync(() -> check(credentials, clients.find(credentials.clientId())), workers);
    }

    /** The same, on the calling thread, which may wait for the store. */
    RegisteredClient authenticateNow(ClientCredentials credentials) {
        return check(credentials, clients.find(credentials.clientId()));
    }

    private RegisteredClient check(ClientCredentials credentials, Optional<RegisteredClient> named) {
        if (credentials.method() == dev.latchkey.core.client.AuthMethod.PRIVATE_KEY_JWT) {
            return assertedNow(credentials, named);
        }
        if (credentials.method() == dev.latchkey.core.client.AuthMethod.NONE && named.isPresent()
                && named.get().metadata().authMethod().usesCertificate()) {
            return certified(credentials, named.get());
        }
        ClientAuthenticator.Authenticated authenticated =
                ClientAuthenticator.authenticate(credentials, named, clock.instant());
        usage.secretUsed(authenticated.secretId());
        return authenticated.client();
    }

    /**
     * {@code private_key_jwt} (RFC 7523 §2.2) without waiting: checked on this thread when the client
     * and its keys are at hand (the usual case), else on the store workers (a read, or a fetch of its
     * jwks_uri); its {@code jti} spent with the store's next group commit, after which the request
     * goes on on the store workers (never on the writer's thread).
     */
    private CompletableFuture<RegisteredClient> asserted(ClientCredentials credentials) {
        java.time.Instant now = clock.instant();
        Optional<RegisteredClient> cached = clients.cached(credentials.clientId());
        String kid = dev.latchkey.core.assertion.ClientAssertions.keyId(credentials.assertion());
        CompletableFuture<Asserted> checked;
        Optional<RegisteredClient> asserting = cached == null ? Optional.empty() : cached.filter(Authentication::mayAssert);
        com.nimbusds.jose.jwk.JWKSet atHand = asserting.map(client -> jwks.keysAtHand(client, kid, now)).orElse(null);
        // In memory and refused, or in memory with its keys: no wait, so on this thread.
        if (cached != null && (asserting.isEmpty() || atHand != null)) {
            try {
                checked = CompletableFuture.completedFuture(check(credentials, cached, atHand, now));
            } catch (RuntimeException refused) {
                checked = CompletableFuture.failedFuture(refused);
            }
        } else {
            checked = CompletableFuture.supplyAsync(() -> check(credentials, cached != null ? cached
                    : clients.find(credentials.clientId()), null, now), workers);
        }
        return checked.thenCompose(asserted -> assertions.spendAssertionAsync(asserted.verified().jti(),
                asserted.client().clientId(), asserted.verified().rememberUntil())
                .thenApplyAsync(spent -> spent(asserted.client(), spent), workers));
    }

    private record Asserted(RegisteredClient client, dev.latchkey.core.assertion.ClientAssertions.Verified verified) {
    }

    private static boolean mayAssert(RegisteredClient client) {
        return !client.disabled() && client.metadata().authMethod() == dev.latchkey.core.client.AuthMethod.PRIVATE_KEY_JWT;
    }

    /**
     * The assertion checked against the client's keys ({@link dev.latchkey.core.assertion.ClientAssertions});
     * {@code keys} null: fetched if they must be (waits for the network).
     */
    private Asserted check(ClientCredentials credentials, Optional<RegisteredClient> named,
            com.nimbusds.jose.jwk.JWKSet keys, java.time.Instant now) {
        RegisteredClient client = named.filter(Authentication::mayAssert)
                .orElseThrow(() -> dev.latchkey.core.error.OAuthError.INVALID_CLIENT.toException(
                        "Client authentication failed"));
        com.nimbusds.jose.jwk.JWKSet set = keys != null ? keys : jwks.keys(client,
                dev.latchkey.core.assertion.ClientAssertions.keyId(credentials.assertion()), now);
        return new Asserted(client, dev.latchkey.core.assertion.ClientAssertions.verify(credentials, client, set, now));
    }

    private static RegisteredClient spent(RegisteredClient client, boolean spent) {
        if (!spent) {
            throw dev.latchkey.core.error.OAuthError.INVALID_CLIENT.toException(
                    "client_assertion was used before: its jti is single use");
        }
        return client;
    }

    /** The same, on the calling thread, waiting for the store (the PAR and device authorization endpoints). */
    private RegisteredClient assertedNow(ClientCredentials credentials, Optional<RegisteredClient> named) {
        java.time.Instant now = clock.instant();
        Asserted asserted = check(credentials, named, null, now);
        return spent(asserted.client(), assertions.spendAssertion(asserted.verified().jti(),
                asserted.client().clientId(), asserted.verified().rememberUntil()));
    }

    /** Mutual-TLS client authentication (RFC 8705 §2): the connection's certificate against what the client registered. */
    private RegisteredClient certified(ClientCredentials credentials, RegisteredClient client) {
        if (client.disabled()) {
            throw dev.latchkey.core.error.OAuthError.INVALID_CLIENT.toException("Client authentication failed");
        }
        java.time.Instant now = clock.instant();
        com.nimbusds.jose.jwk.JWKSet keys = client.metadata().authMethod()
                == dev.latchkey.core.client.AuthMethod.SELF_SIGNED_TLS_CLIENT_AUTH && !credentials.certificates().isEmpty()
                ? jwks.keys(client, null, now) : new com.nimbusds.jose.jwk.JWKSet();
        dev.latchkey.core.assertion.ClientCertificates.verify(client, credentials.certificates(), keys, mtlsAnchors, now);
        return client;
    }

    /** The client a token names, if it is still registered; read as {@link #authenticate} reads. */
    CompletableFuture<Optional<RegisteredClient>> client(String clientId) {
        Optional<RegisteredClient> cached = clients.cached(clientId);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        return CompletableFuture.supplyAsync(() -> clients.find(clientId), workers);
    }

    /**
     * The id to count a request under: the client's if it is registered, else
     * {@link UsageCounter#UNKNOWN}, so that ids made up by strangers add no counters.
     */
    String countedAs(String clientId) {
        Optional<RegisteredClient> cached = clientId == null ? null : clients.cached(clientId);
        return cached != null && cached.isPresent() ? clientId : UsageCounter.UNKNOWN;
    }
}
