package dev.latchkey.client;

import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Where a {@link TokenManager} keeps its credentials, so that a rotated refresh token outlives
 * the process. {@link #locked} brackets a whole read, token request and write: a store shared by
 * several processes makes it exclusive across them.
 */
public interface CredentialStore {

    Optional<Credentials> load();

    /** Replaces the stored credentials; durable when it returns. */
    void save(Credentials credentials);

    /** Runs {@code action} holding the store's lock (in this process and, if shared, across processes). */
    <T> T locked(Callable<T> action) throws Exception;
}
