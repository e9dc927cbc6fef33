package dev.latchkey.client;

import java.time.Instant;

/**
 * Where the SDK reads time: a monotonic clock for deadlines ({@link #nanoTime()}, never affected
 * by wall-clock jumps) and the wall clock for what servers and stores speak ({@link #now()}).
 * Tests inject their own.
 */
public interface TimeSource {

    long nanoTime();

    Instant now();

    static TimeSource system() {
        return new TimeSource() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public Instant now() {
                return Instant.now();
            }
        };
    }
}
