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
        AuthenticationFailures failures = new AuthenticationFailures(nanos::get, (endpoint, client, source, n) -> { });
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

    @Test
    void theTenthFailureOfAPairInAMinuteIsABurstToldOnce() {
        AtomicLong nanos = new AtomicLong();
        java.util.List<String> bursts = new java.util.ArrayList<>();
        AuthenticationFailures failures = new AuthenticationFailures(nanos::get,
                (endpoint, client, source, n) -> bursts.add(client + "@" + source + ":" + n));
        try (LogCapture logs = new LogCapture()) {
            for (int i = 0; i < AuthenticationFailures.BURST - 1; i++) {
                failures.failed("/oauth2/token", "client-1", "10.0.0.1");
                failures.failed("/oauth2/token", "client-2", "10.0.0.1");
            }
            assertThat(bursts).isEmpty();
            failures.failed("/oauth2/token", "client-1", "10.0.0.1");
            for (int i = 0; i < 50; i++) {
                failures.failed("/oauth2/token", "client-1", "10.0.0.1");
            }
            assertThat(bursts).containsExactly("client-1@10.0.0.1:" + AuthenticationFailures.BURST);
            nanos.addAndGet(61_000_000_000L);
            for (int i = 0; i < AuthenticationFailures.BURST; i++) {
                failures.failed("/oauth2/token", "client-1", "10.0.0.1");
            }
            assertThat(bursts).as("the next minute's burst is told again").hasSize(2);
        }
    }
}
