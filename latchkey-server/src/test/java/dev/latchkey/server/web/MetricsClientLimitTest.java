package dev.latchkey.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.client.TokenFormat;
import dev.latchkey.core.grant.ClientCredentialsGrant;
import dev.latchkey.core.grant.GrantRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The per-client token counter has at most the limit's clients and {@code other}; with 100,000
 * clients issuing, /metrics stays under 1 MB; no series ever goes down (Prometheus counters).
 */
class MetricsClientLimitTest {

    private static final GrantRequest GRANT = new ClientCredentialsGrant(Optional.empty(), List.of());

    private static Map<String, Long> clientSeries(String scrape) {
        Map<String, Long> series = new HashMap<>();
        scrape.lines().filter(line -> line.startsWith("latchkey_client_tokens_issued_total{")).forEach(line -> {
            String client = line.substring(line.indexOf("client_id=\"") + 11, line.indexOf("\"}"));
            series.put(client, Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)));
        });
        return series;
    }

    @Test
    void aHundredThousandClientsKeepTheScrapeUnderAMegabyteAndTheBusiestAreNamed() {
        Metrics metrics = new Metrics(Metrics.DEFAULT_CLIENT_LIMIT, Clock.systemUTC());
        for (int i = 0; i < 100_000; i++) {
            for (int n = 0; n <= i % 3; n++) {
                metrics.issued(GRANT, TokenFormat.JWT, "client-" + i);
            }
        }

        String scrape = metrics.scrape();

        assertThat(scrape.getBytes(StandardCharsets.UTF_8).length).isLessThan(1_000_000);
        Map<String, Long> series = clientSeries(scrape);
        assertThat(series).hasSize(Metrics.DEFAULT_CLIENT_LIMIT + 1).containsKey("other");
        assertThat(series.keySet()).filteredOn(id -> !id.equals("other")).as("the busiest are named")
                .allSatisfy(id -> assertThat(Integer.parseInt(id.substring(7)) % 3).isEqualTo(2));
        // From now on a named client's tokens are in its series, the others' in other.
        String busy = series.keySet().stream().filter(id -> !id.equals("other")).findFirst().orElseThrow();
        metrics.issued(GRANT, TokenFormat.JWT, busy);
        metrics.issued(GRANT, TokenFormat.JWT, "client-0");
        Map<String, Long> next = clientSeries(metrics.scrape());
        assertThat(next.get(busy)).isEqualTo(series.get(busy) + 1);
    }

    @Test
    void theBusiestSinceTheLastScrapeAreNamedAndNoSeriesGoesDown() {
        Metrics metrics = new Metrics(2, Clock.systemUTC());
        for (int i = 0; i < 5; i++) {
            metrics.issued(GRANT, TokenFormat.JWT, "busy");
        }
        metrics.issued(GRANT, TokenFormat.JWT, "quiet");
        metrics.issued(GRANT, TokenFormat.JWT, "quiet");
        Map<String, Long> first = clientSeries(metrics.scrape());
        assertThat(first).as("room for both: every token in its series")
                .containsEntry("busy", 5L).containsEntry("quiet", 2L).containsEntry("other", 0L);

        for (int i = 0; i < 10; i++) {
            metrics.issued(GRANT, TokenFormat.JWT, "late");
        }
        metrics.issued(GRANT, TokenFormat.JWT, "busy");
        Map<String, Long> second = clientSeries(metrics.scrape());
        assertThat(second).as("late and busy were the busiest since the last scrape: quiet is no longer shown")
                .containsOnlyKeys("busy", "late", "other").containsEntry("busy", 6L).containsEntry("late", 0L)
                .containsEntry("other", 10L);

        for (int i = 0; i < 3; i++) {
            metrics.issued(GRANT, TokenFormat.JWT, "late");
        }
        metrics.issued(GRANT, TokenFormat.JWT, "quiet");
        Map<String, Long> third = clientSeries(metrics.scrape());
        assertThat(third).containsEntry("late", 3L).containsEntry("other", 11L);
        for (Map<String, Long> earlier : List.of(first, second)) {
            earlier.forEach((client, value) -> {
                if (third.containsKey(client)) {
                    assertThat(third.get(client)).as(client).isGreaterThanOrEqualTo(value);
                }
            });
        }
    }
}
