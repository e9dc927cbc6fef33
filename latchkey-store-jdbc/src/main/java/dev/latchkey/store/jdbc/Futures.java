package dev.latchkey.store.jdbc;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Waiting for the store's futures, for callers that have nothing better to do meanwhile. */
final class Futures {

    private Futures() {
    }

    /**
     * Waits for {@code answer} and returns its value; a failure is rethrown as it was raised
     * (a {@link StoreUnavailableException} or an {@link dev.latchkey.core.error.OAuthException}),
     * not wrapped in a {@link CompletionException}.
     */
    public static <T> T join(CompletableFuture<T> answer) {
        try {
            return answer.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
