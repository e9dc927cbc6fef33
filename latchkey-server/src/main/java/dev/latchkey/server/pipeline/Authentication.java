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

    Authentication(ClientDirectory clients, UsageCounter usage, Executor workers, Clock clock,
            dev.latchkey.core.store.AuthorizationStore assertions) {
        this.assertions = assertions;
        this.clients = clients;
        this.usage = usage;
        this.workers = workers;
        this.clock = clock;
    }

    /** Fails with an {@link dev.latchkey.core.error.OAuthException} {@code invalid_client}. */
    CompletableFuture<RegisteredClient> authenticate(ClientCredentials credentials) {
        if (credentials.method() == dev.latchkey.core.client.AuthMethod.PRIVATE_KEY_JWT) {
            // It may fetch the client's keys and it writes the assertion's jti: on the store workers.
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
            return asserted(credentials, named);
        }
        ClientAuthenticator.Authenticated authenticated =
                ClientAuthenticator.authenticate(credentials, named, clock.instant());
        usage.secretUsed(authenticated.secretId());
        return authenticated.client();
    }

    /**
     * {@code private_key_jwt} (RFC 7523 §2.2): the assertion checked against the client's keys
     * ({@link dev.latchkey.core.assertion.ClientAssertions}), then its {@code jti} spent in the store, once
     * on every node (a replay is {@code invalid_client}).
     */
    private RegisteredClient asserted(ClientCredentials credentials, Optional<RegisteredClient> named) {
        java.time.Instant now = clock.instant();
        RegisteredClient client = named.filter(found -> !found.disabled()
                && found.metadata().authMethod() == dev.latchkey.core.client.AuthMethod.PRIVATE_KEY_JWT)
                .orElseThrow(() -> dev.latchkey.core.error.OAuthError.INVALID_CLIENT.toException(
                        "Client authentication failed"));
        com.nimbusds.jose.jwk.JWKSet keys = jwks.keys(client,
                dev.latchkey.core.assertion.ClientAssertions.keyId(credentials.assertion()), now);
        dev.latchkey.core.assertion.ClientAssertions.Verified verified =
                dev.latchkey.core.assertion.ClientAssertions.verify(credentials, client, keys, now);
        if (!assertions.spendAssertion(verified.jti(), client.clientId(), verified.rememberUntil(), now)) {
            throw dev.latchkey.core.error.OAuthError.INVALID_CLIENT.toException(
                    "client_assertion was used before: its jti is single use");
        }
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
