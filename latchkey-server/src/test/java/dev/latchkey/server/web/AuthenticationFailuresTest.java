package dev.latchkey.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.LogCapture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A failure spell per client and address is one line a minute, the next one counting what it held back. */
class AuthenticationFailuresTest {

    @Test
    void aSpellIsOneLineAMinuteAndTheNextCountsTheRest() {
        AtomicLong nanos = new AtomicLong();
        AuthenticationFailures failures = new AuthenticationFailures(nanos::get);
        try (LogCapture logs = new LogCapture()) {
            for (int i = 0; i < 7; i++) {
                failures.failed("/oauth2/token", "client-1", "10.0.0.1");
                nanos.addAndGet(1_000_000_000L);
            }
            failures.failed("/oauth2/token", "client-1", "10.0.0.2");
            nanos.addAndGet(61_000_000_000L);
            failures.failed("/oauth2/token", "client-1", "10.0.0.1");
            assertThat(logs.warnings()).filteredOn(line -> line.contains("source=10.0.0.1")).hasSize(2)
                    .last().asString().contains("(6 more times in the minute before)");
            assertThat(logs.warnings()).filteredOn(line -> line.contains("source=10.0.0.2")).hasSize(1);
        }
    }
}
