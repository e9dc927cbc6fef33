package dev.latchkey.server.pipeline;

import dev.latchkey.core.client.ClientAuthenticator;
import dev.latchkey.core.client.ClientCredentials;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.registry.ClientDirectory;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The first step of every pipeline: the client a request names, authenticated (RFC 6749 §2.3.1).
 * A client the directory holds in memory (nearly always) is checked on the calling thread; one it
 * must read is read on the store workers, so no HTTP thread waits for the database. Thread-safe.
 */
final class Authentication {

    private final ClientDirectory clients;
    private final Executor workers;

    Authentication(ClientDirectory clients, Executor workers) {
        this.clients = clients;
        this.workers = workers;
    }

    /** Fails with an {@link dev.latchkey.core.error.OAuthException} {@code invalid_client}. */
    CompletableFuture<RegisteredClient> authenticate(ClientCredentials credentials) {
        Optional<RegisteredClient> cached = clients.cached(credentials.clientId());
        if (cached != null) {
            return CompletableFuture.completedFuture(ClientAuthenticator.authenticate(credentials, cached));
        }
        return CompletableFuture.supplyAsync(() -> ClientAuthenticator.authenticate(credentials,
                clients.find(credentials.clientId())), workers);
    }

    /** The client a token names, if it is still registered; read as {@link #authenticate} reads. */
    CompletableFuture<Optional<RegisteredClient>> client(String clientId) {
        Optional<RegisteredClient> cached = clients.cached(clientId);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        return CompletableFuture.supplyAsync(() -> clients.find(clientId), workers);
    }
}
