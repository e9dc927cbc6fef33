package dev.latchkey.server.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock tests move by hand; starts at the real time so tokens also make sense to outside
 * verifiers. Frozen (it moves only when told) or ticking (real time plus what it was told).
 */
public final class MutableClock extends Clock {

    private final AtomicReference<Instant> now;
    private final boolean ticking;
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    private MutableClock(Instant start, boolean ticking) {
        this.now = new AtomicReference<>(start);
        this.ticking = ticking;
    }

    public MutableClock(Instant start) {
        this(start, false);
    }

    public static MutableClock startingNow() {
        return new MutableClock(Instant.now(), false);
    }

    /** Follows the real clock; {@link #advance} moves it ahead of it. */
    public static MutableClock ticking() {
        return new MutableClock(Instant.now(), true);
    }

    public void advance(Duration duration) {
        now.updateAndGet(instant -> instant.plus(duration));
        offset.updateAndGet(current -> current.plus(duration));
    }

    @Override
    public Instant instant() {
        return ticking ? Instant.now().plus(offset.get()) : now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
