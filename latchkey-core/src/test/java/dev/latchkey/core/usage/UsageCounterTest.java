package dev.latchkey.core.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class UsageCounterTest {

    /** A sink that adds up what it was handed, and can be made to refuse. */
    private static final class Totals implements UsageSink {
        final Map<String, long[]> counts = new HashMap<>();
        final List<ClientError> errors = new ArrayList<>();
        final Map<String, Instant> secrets = new HashMap<>();
        volatile boolean refuse;

        @Override
        public synchronized void add(List<UsageDelta> deltas, List<ClientError> newErrors,
                Map<String, Instant> clientsUsed, Map<String, Instant> secretsUsed) {
            if (refuse) {
                throw new IllegalStateException("database down");
            }
            deltas.forEach(d -> {
                long[] sums = counts.computeIfAbsent(d.clientId(), k -> new long[2]);
                sums[0] += d.issued();
                sums[1] += d.errors();
            });
            errors.addAll(newErrors);
            secrets.putAll(secretsUsed);
        }
    }

    private static final Instant NOW = Instant.parse("2026-12-01T10:30:00Z");

    @Test
    void countsAreHandedOverOnceAsDeltasOfTheHour() {
        UsageCounter counter = new UsageCounter(true);
        Totals totals = new Totals();
        counter.issued("a");
        counter.issued("a");
        counter.error("a", "invalid_scope", NOW);
        counter.error(null, "invalid_client", NOW);
        counter.secretUsed("sec-1");

        List<UsageDelta> seen = new ArrayList<>();
        counter.drain(NOW, (deltas, errors, clients, secrets) -> {
            seen.addAll(deltas);
            totals.add(deltas, errors, clients, secrets);
        });
        counter.drain(NOW, totals);

        assertThat(seen).extracting(UsageDelta::hour).containsOnly(NOW.truncatedTo(ChronoUnit.HOURS));
        assertThat(totals.counts.get("a")).containsExactly(2, 1);
        assertThat(totals.counts.get(UsageCounter.UNKNOWN)).containsExactly(0, 1);
        assertThat(totals.errors).extracting(ClientError::error).containsExactly("invalid_scope");
        assertThat(totals.secrets).containsOnlyKeys("sec-1");
    }

    @Test
    void aRefusedDrainLosesNothing() {
        UsageCounter counter = new UsageCounter(true);
        Totals totals = new Totals();
        counter.issued("a");
        counter.secretUsed("sec-1");
        totals.refuse = true;
        assertThatThrownBy(() -> counter.drain(NOW, totals)).isInstanceOf(IllegalStateException.class);
        counter.issued("a");
        totals.refuse = false;

        counter.drain(NOW, totals);

        assertThat(totals.counts.get("a")).containsExactly(2, 0);
        assertThat(totals.secrets).containsOnlyKeys("sec-1");
    }

    @Test
    void countsRacingDrainsAreNeitherLostNorCountedTwice() throws Exception {
        UsageCounter counter = new UsageCounter(true);
        Totals totals = new Totals();
        AtomicBoolean counting = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Long>> counters = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            counters.add(pool.submit(() -> {
                long n = 0;
                while (counting.get() && n < 200_000) {
                    counter.issued("a");
                    n++;
                }
                return n;
            }));
        }
        Future<?> drains = pool.submit(() -> {
            for (int i = 0; i < 50; i++) {
                counter.drain(NOW, totals);
            }
        });
        drains.get();
        counting.set(false);
        long issued = 0;
        for (Future<Long> f : counters) {
            issued += f.get();
        }
        counter.drain(NOW, totals);
        pool.shutdown();

        assertThat(totals.counts.get("a")[0]).isEqualTo(issued);
    }

    @Test
    void aDisabledCounterCountsNothing() {
        UsageCounter counter = new UsageCounter(false);
        Totals totals = new Totals();
        counter.issued("a");
        counter.error("a", "invalid_client", NOW);
        counter.secretUsed("s");
        counter.drain(NOW, totals);
        assertThat(totals.counts).isEmpty();
        assertThat(totals.secrets).isEmpty();
    }
}
