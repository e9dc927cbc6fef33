package dev.latchkey.core.log;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs a spell of repeated failures as three kinds of line instead of one per failure: the first
 * failure (with its cause), a count every {@code summaryEvery} while the spell lasts, and the end
 * of the spell when {@link #succeeded()} is called. A database outage or a full disk fails every
 * request or batch the same way; logging each (about 2,500 stack traces in 10 s) hid what mattered
 * and filled the disk further.
 *
 * <p>Thread-safe; a failure costs an atomic increment while a spell is already being reported.
 */
public final class RepeatedFailureLog {

    private final Logger log;
    private final String what;
    private final long summaryNanos;
    private final LongSupplier nanoTime;
    private final Object lock = new Object();
    private boolean failing;
    private long failures;
    private long failuresSinceSummary;
    private long lastSummary;
    private long lastFailure;
    private volatile boolean inSpell;

    /**
     * @param what what failed, as it starts a sentence: "Write transaction failed"
     */
    public RepeatedFailureLog(Logger log, String what, long summaryEverySeconds) {
        this(log, what, summaryEverySeconds, System::nanoTime);
    }

    RepeatedFailureLog(Logger log, String what, long summaryEverySeconds, LongSupplier nanoTime) {
        this.log = log;
        this.what = what;
        this.summaryNanos = TimeUnit.SECONDS.toNanos(summaryEverySeconds);
        this.nanoTime = nanoTime;
    }

    /** One failure: the first of a spell is logged at ERROR with its cause, the others are counted. */
    public void failed(String detail, Throwable cause) {
        long now = nanoTime.getAsLong();
        synchronized (lock) {
            if (failing && now - lastFailure > summaryNanos) {
                if (failuresSinceSummary > 0) {
                    log.error("{}: {} more times before it stopped", what, failuresSinceSummary);
                }
                failing = false;
                failures = 0;
            }
            lastFailure = now;
            failures++;
            if (!failing) {
                failing = true;
                inSpell = true;
                failuresSinceSummary = 0;
                lastSummary = now;
                log.error("{}: {}; further failures like it are counted, not logged one by one", what, detail, cause);
                return;
            }
            failuresSinceSummary++;
            if (now - lastSummary >= summaryNanos) {
                log.error("{}: {} more times in the last {} s (last: {})", what, failuresSinceSummary,
                        TimeUnit.NANOSECONDS.toSeconds(now - lastSummary), detail);
                failuresSinceSummary = 0;
                lastSummary = now;
            }
        }
    }

    /**
     * A success: ends a spell of failures, if one is running and has been quiet for
     * {@code summaryEvery}, with one INFO line. A success in the middle of a spell (another kind of
     * work that still succeeds, such as an empty purge on a full disk) does not end it.
     */
    public void succeeded() {
        if (!inSpell) {
            return;
        }
        synchronized (lock) {
            if (failing && nanoTime.getAsLong() - lastFailure >= summaryNanos) {
                log.info("{} no more: recovered after {} failures", what, failures);
                failing = false;
                inSpell = false;
                failures = 0;
            }
        }
    }

    /** True while a spell of failures has not ended with a success. */
    public boolean isFailing() {
        return inSpell;
    }
}
