package dev.latchkey.client;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;

/** A store that lives as long as the process: the default, and for tests. Thread-safe. */
public final class InMemoryCredentialStore implements CredentialStore {

    private final ReentrantLock lock = new ReentrantLock();
    private volatile Credentials credentials;

    @Override
    public Optional<Credentials> load() {
        return Optional.ofNullable(credentials);
    }

    @Override
    public void save(Credentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public <T> T locked(Callable<T> action) throws Exception {
        lock.lock();
        try {
            return action.call();
        } finally {
            lock.unlock();
        }
    }
}
