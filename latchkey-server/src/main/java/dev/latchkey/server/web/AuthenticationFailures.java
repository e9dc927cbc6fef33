package dev.latchkey.server.web;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed client authentication, logged for the operator (who is guessing secrets, from where) at
 * WARN: the client id named and the source address, never what was presented. One line per client
 * id and address a minute at most, then a count of the failures in between, so a guessing storm
 * neither floods the log nor hides. The client id comes from the request: it is made printable and
 * short before it is logged. Thread-safe; bounded.
 */
final class AuthenticationFailures {

    private static final Logger LOG = LoggerFactory.getLogger(AuthenticationFailures.class);
    private static final long WINDOW_NANOS = 60_000_000_000L;
    private static final int MAX_TRACKED = 10_000;

    private record Spell(long since, long suppressed) {
    }

    /** Failures of one client id from one address within a minute that make a burst worth auditing. */
    static final int BURST = 10;

    /** Told once per minute and pair when the failures reach {@link #BURST}. */
    interface Bursts {
        void burst(String endpoint, String clientId, String source, int failures);
    }

    private final Map<String, Spell> spells = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private final Bursts bursts;

    AuthenticationFailures(Bursts bursts) {
        this(System::nanoTime, bursts);
    }

    AuthenticationFailures(LongSupplier nanoTime, Bursts bursts) {
        this.nanoTime = nanoTime;
        this.bursts = bursts;
    }

    void failed(String endpoint, String clientId, String source) {
        String client = clientId == null ? "-" : Failures.printable(clientId.length() > 100
                ? clientId.substring(0, 100) : clientId);
        String key = client + " " + source;
        long now = nanoTime.getAsLong();
        if (spells.size() >= MAX_TRACKED) {
            spells.values().removeIf(spell -> now - spell.since() > WINDOW_NANOS);
            if (spells.size() >= MAX_TRACKED) {
                spells.clear();
            }
        }
        Spell before = spells.get(key);
        if (before != null && now - before.since() <= WINDOW_NANOS) {
            spells.put(key, new Spell(before.since(), before.suppressed() + 1));
            if (before.suppressed() + 2 == BURST) { // the first failure and the suppressed ones
                bursts.burst(endpoint, client, source, BURST);
            }
            return;
        }
        spells.put(key, new Spell(now, 0));
        if (before != null && before.suppressed() > 0) {
            LOG.warn("Client authentication failed at {}: client_id={} source={} ({} more times in the minute before)",
                    endpoint, client, source, before.suppressed());
        } else {
            LOG.warn("Client authentication failed at {}: client_id={} source={}", endpoint, client, source);
        }
    }
}
