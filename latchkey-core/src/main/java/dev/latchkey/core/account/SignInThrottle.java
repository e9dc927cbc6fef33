package dev.latchkey.core.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing, per account name and per source address, with exponential backoff:
 * after {@value #FREE_FAILURES} failures in a row for a name (or {@value #FREE_ADDRESS_FAILURES}
 * from an address, which many people may share behind one NAT) each further one locks it for 1, 2,
 * 4... seconds, at most {@link #MAX_LOCK}. A success clears the name's count (not the
 * address's: one right password must not reset a guesser working through many names). Kept in
 * memory on each node; bounded. Thread-safe.
 */
public final class SignInThrottle {

    static final int FREE_FAILURES = 3;
    static final int FREE_ADDRESS_FAILURES = 20;
    static final Duration MAX_LOCK = Duration.ofMinutes(15);
    private static final int MAX_TRACKED = 100_000;

    private record Failures(int count, Instant lockedUntil) {
    }

    private final Map<String, Failures> byName = new ConcurrentHashMap<>();
    private final Map<String, Failures> byAddress = new ConcurrentHashMap<>();
    private final Clock clock;

    public SignInThrottle(Clock clock) {
        this.clock = clock;
    }

    /** How long until a sign-in for this name from this address may be tried; zero if now. */
    public Duration wait(String name, String address) {
        Instant now = clock.instant();
        Duration wait = Duration.ZERO;
        for (Failures failures : new Failures[] {byName.get(name), address == null ? null : byAddress.get(address)}) {
            if (failures != null && failures.lockedUntil().isAfter(now)) {
                Duration left = Duration.between(now, failures.lockedUntil());
                wait = left.compareTo(wait) > 0 ? left : wait;
            }
        }
        return wait;
    }

    public void failed(String name, String address) {
        Instant now = clock.instant();
        count(byName, name, now, FREE_FAILURES);
        if (address != null) {
            count(byAddress, address, now, FREE_ADDRESS_FAILURES);
        }
    }

    public void succeeded(String name) {
        byName.remove(name);
    }

    private static void count(Map<String, Failures> table, String key, Instant now, int free) {
        if (table.size() >= MAX_TRACKED) {
            table.values().removeIf(failures -> !failures.lockedUntil().isAfter(now));
            if (table.size() >= MAX_TRACKED) {
                table.clear();
            }
        }
        table.merge(key, new Failures(1, now), (old, one) -> {
            int count = old.count() + 1;
            long seconds = count <= free ? 0 : 1L << Math.min(20, count - free - 1);
            Duration lock = Duration.ofSeconds(seconds);
            return new Failures(count, now.plus(lock.compareTo(MAX_LOCK) > 0 ? MAX_LOCK : lock));
        });
    }
}
