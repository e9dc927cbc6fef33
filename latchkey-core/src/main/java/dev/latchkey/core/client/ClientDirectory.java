package dev.latchkey.core.client;

import dev.latchkey.core.store.Change;
import dev.latchkey.core.store.ClientStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Registered clients as the token endpoint sees them: a read-through cache over the
 * {@link ClientStore}, so authenticating a known client costs no database read.
 *
 * <p>Only found clients are cached (unknown ids cannot fill memory). A change to a client drops
 * its entry here at once on the node that made it, and on every other node when the change feed
 * delivers the {@link Change.Kind#CLIENT_CHANGED} entry. A read racing an update may cache the old
 * version; the feed's entry, which follows the update's commit, drops it again, so staleness is
 * bounded by the feed's poll interval. Thread-safe.
 */
public final class ClientDirectory {

    private static final int MAX_CACHED = 100_000;

    private final ClientStore store;
    private final BooleanSupplier cacheIsCurrent;
    private final Map<String, RegisteredClient> cache = new ConcurrentHashMap<>();

    /**
     * @param cacheIsCurrent false while this node may have missed changes (its change feed cannot
     *                       reach the store): then every lookup goes to the store, which fails
     *                       cleanly if it is down, instead of trusting a possibly stale entry
     */
    public ClientDirectory(ClientStore store, BooleanSupplier cacheIsCurrent) {
        this.store = store;
        this.cacheIsCurrent = cacheIsCurrent;
    }

    public Optional<RegisteredClient> find(String clientId) {
        RegisteredClient cached = cacheIsCurrent.getAsBoolean() ? cache.get(clientId) : null;
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<RegisteredClient> loaded = store.find(clientId);
        loaded.ifPresent(client -> {
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(clientId, client);
        });
        return loaded;
    }

    public void invalidate(String clientId) {
        cache.remove(clientId);
    }

    public void apply(Change change) {
        if (change.kind() == Change.Kind.CLIENT_CHANGED) {
            invalidate(change.ref());
        }
    }
}
