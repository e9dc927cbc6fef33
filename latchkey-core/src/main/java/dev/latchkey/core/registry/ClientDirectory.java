package dev.latchkey.core.registry;

import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.store.ClientStore;
import dev.latchkey.core.store.record.Change;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Registered clients as the token endpoint sees them: a read-through cache over the
 * {@link ClientStore}, so authenticating a known client costs no database read.
 *
 * <p>A change to a client drops its entry here at once on the node that made it, and on every
 * other node when the change feed delivers the {@link Change.Kind#CLIENT_CHANGED} entry. A read
 * racing an update may cache the old version; the feed's entry, which follows the update's commit,
 * drops it again, so staleness is bounded by the feed's poll interval.
 *
 * <p>Ids that are not found are remembered too, for {@value #UNKNOWN_SECONDS} s: an unknown id
 * then costs what a known one with a wrong secret costs (no database read each time, which told
 * an attacker which ids exist: BENCHMARKS.md, "Unknown client ids"), and a flood of made-up ids
 * cannot make every request a database read. Both caches are bounded and emptied when full. A
 * client created later drops its "unknown" entry through the same {@link Change.Kind#CLIENT_CHANGED}.
 * Thread-safe.
 */
public final class ClientDirectory {

    private static final int MAX_CACHED = 100_000;
    private static final int MAX_UNKNOWN = 10_000;
    static final long UNKNOWN_SECONDS = 10;

    private final ClientStore store;
    private final BooleanSupplier cacheIsCurrent;
    private final Map<String, RegisteredClient> cache = new ConcurrentHashMap<>();
    private final Map<String, Long> unknown = new ConcurrentHashMap<>(); // id -> nanoTime it stops counting
    private final LongSupplier nanoTime;

    /**
     * @param cacheIsCurrent false while this node may have missed changes (its change feed cannot
     *                       reach the store): then every lookup goes to the store, which fails
     *                       cleanly if it is down, instead of trusting a possibly stale entry
     */
    public ClientDirectory(ClientStore store, BooleanSupplier cacheIsCurrent) {
        this(store, cacheIsCurrent, System::nanoTime);
    }

    ClientDirectory(ClientStore store, BooleanSupplier cacheIsCurrent, LongSupplier nanoTime) {
        this.store = store;
        this.cacheIsCurrent = cacheIsCurrent;
        this.nanoTime = nanoTime;
    }

    /**
     * What the caches can answer without the store: the client, or empty if it is known not to
     * exist; null if only the store knows. Lets a caller that must not wait for the database
     * (an HTTP thread) decide where to ask {@link #find}.
     */
    public Optional<RegisteredClient> cached(String clientId) {
        if (!cacheIsCurrent.getAsBoolean()) {
            return null;
        }
        RegisteredClient cached = cache.get(clientId);
        if (cached != null) {
            return Optional.of(cached);
        }
        Long unknownUntil = unknown.get(clientId);
        return unknownUntil != null && nanoTime.getAsLong() - unknownUntil < 0 ? Optional.empty() : null;
    }

    public Optional<RegisteredClient> find(String clientId) {
        boolean current = cacheIsCurrent.getAsBoolean();
        RegisteredClient cached = current ? cache.get(clientId) : null;
        if (cached != null) {
            return Optional.of(cached);
        }
        Long unknownUntil = current ? unknown.get(clientId) : null;
        if (unknownUntil != null && nanoTime.getAsLong() - unknownUntil < 0) {
            return Optional.empty();
        }
        Optional<RegisteredClient> loaded = store.find(clientId);
        if (loaded.isPresent()) {
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(clientId, loaded.get());
        } else {
            if (unknown.size() >= MAX_UNKNOWN) {
                unknown.clear();
            }
            unknown.put(clientId, nanoTime.getAsLong() + TimeUnit.SECONDS.toNanos(UNKNOWN_SECONDS));
        }
        return loaded;
    }

    public void invalidate(String clientId) {
        cache.remove(clientId);
        unknown.remove(clientId);
    }

    public void apply(Change change) {
        if (change.kind() == Change.Kind.CLIENT_CHANGED) {
            invalidate(change.ref());
        }
    }
}
