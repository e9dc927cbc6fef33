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
    void aHundredThousandClientsKeepTheScrapeUnderAMegabyte() {
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
        assertThat(series.values().stream().mapToLong(Long::longValue).sum()).as("the sum is every token")
                .isEqualTo(199_999); // 100,000 clients issuing 1, 2 or 3 tokens
        assertThat(series).as("a named client has every token it got").containsEntry("client-0", 1L)
                .containsEntry("client-2", 3L).doesNotContainKey("client-500");
    }

    @Test
    void aClientBeyondTheLimitCountsAsOtherAndNoSeriesGoesDown() {
        Metrics metrics = new Metrics(2, Clock.systemUTC());
        for (int i = 0; i < 5; i++) {
            metrics.issued(GRANT, TokenFormat.JWT, "busy");
        }
        metrics.issued(GRANT, TokenFormat.JWT, "quiet");
        metrics.issued(GRANT, TokenFormat.JWT, "quiet");
        Map<String, Long> first = clientSeries(metrics.scrape());
        assertThat(first).containsEntry("busy", 5L).containsEntry("quiet", 2L).containsEntry("other", 0L);

        for (int i = 0; i < 10; i++) {
            metrics.issued(GRANT, TokenFormat.JWT, "late");
        }
        metrics.issued(GRANT, TokenFormat.JWT, "busy");
        Map<String, Long> second = clientSeries(metrics.scrape());

        assertThat(second).as("the limit is full: the late client counts as other")
                .containsOnlyKeys("busy", "quiet", "other").containsEntry("busy", 6L).containsEntry("other", 10L);
        first.forEach((client, value) -> assertThat(second.get(client)).as(client).isGreaterThanOrEqualTo(value));
    }
}
