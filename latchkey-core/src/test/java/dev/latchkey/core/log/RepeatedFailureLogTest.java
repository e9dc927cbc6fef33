package dev.latchkey.core.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Issue 12, item 13: a spell of identical failures is logged once, with a count, and its end once. */
class RepeatedFailureLogTest {

    private final AtomicLong nanos = new AtomicLong(1);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private Logger logger;
    private RepeatedFailureLog log;

    @BeforeEach
    void capture() {
        logger = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("repeated-failure-test");
        logger.setLevel(Level.INFO);
        lines.start();
        logger.addAppender(lines);
        log = new RepeatedFailureLog(logger, "Write transaction failed", 10, nanos::get);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    private void after(long seconds) {
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    @Test
    void threeThousandFailuresInTwelveSecondsAreTwoLinesAndTheRecoveryOne() {
        for (int i = 0; i < 3_000; i++) {
            log.failed("disk full", new IllegalStateException("full"));
            nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(4)); // 3,000 in 12 s
        }
        assertThat(log.isFailing()).isTrue();
        after(10);
        log.succeeded();

        assertThat(lines.list).extracting(ILoggingEvent::getLevel)
                .containsExactly(Level.ERROR, Level.ERROR, Level.INFO);
        assertThat(lines.list.get(0).getThrowableProxy()).as("the first one carries its cause").isNotNull();
        assertThat(lines.list.get(1).getFormattedMessage()).contains("2500 more times in the last 10 s");
        assertThat(lines.list.get(2).getFormattedMessage()).contains("recovered after 3000 failures");
        assertThat(log.isFailing()).isFalse();
    }

    @Test
    void aSuccessInTheMiddleOfASpellDoesNotEndIt() {
        log.failed("disk full", null);
        after(1);
        log.succeeded();
        log.failed("disk full", null);

        assertThat(lines.list).hasSize(1);
        assertThat(log.isFailing()).isTrue();
    }

    @Test
    void aFailureAfterAQuietSpellStartsANewSpell() {
        log.failed("outage", null);
        log.failed("outage", null);
        after(60);
        log.failed("outage again", null);

        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                .satisfiesExactly(first -> assertThat(first).contains("outage;"),
                        summary -> assertThat(summary).contains("1 more times before it stopped"),
                        second -> assertThat(second).contains("outage again;"));
    }
}
