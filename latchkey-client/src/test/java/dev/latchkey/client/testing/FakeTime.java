package dev.latchkey.client.testing;

import dev.latchkey.client.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A time source tests move by hand; wall and monotonic clocks move together. */
public final class FakeTime implements TimeSource {

    private final AtomicLong elapsedNanos = new AtomicLong();
    private final Instant start;

    public FakeTime(Instant start) {
        this.start = start;
    }

    public static FakeTime startingNow() {
        return new FakeTime(Instant.now());
    }

    public void advance(Duration duration) {
        elapsedNanos.addAndGet(duration.toNanos());
    }

    @Override
    public long nanoTime() {
        return 1_000_000_000_000L + elapsedNanos.get();
    }

    @Override
    public Instant now() {
        return start.plusNanos(elapsedNanos.get());
    }
}
