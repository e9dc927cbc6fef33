package dev.latchkey.core.manage;

import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.store.ClientStore;
import dev.latchkey.core.store.UsageStore;
import dev.latchkey.core.usage.ClientError;
import dev.latchkey.core.usage.UsageCount;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the charts show: tokens issued and token endpoint errors per hour over the last 24 hours and
 * per day over the last 30, of one client, of a developer's clients, or (for an admin) of all; the
 * busiest clients; a client's latest errors. Every hour and day is present, zero when nothing
 * happened. Counts reach the store once a minute per node, so the current hour lags by up to that.
 * Thread-safe.
 */
public final class UsageReport {

    /** A client and the tokens it got over the last 24 hours. */
    public record Busy(String clientId, String name, long issued) {
    }

    private final UsageStore usage;
    private final ClientStore clients;
    private final Clock clock;

    public UsageReport(UsageStore usage, ClientStore clients, Clock clock) {
        this.usage = usage;
        this.clients = clients;
        this.clock = clock;
    }

    /** The last 24 hours, the current one last. */
    public List<UsageCount> hourly(Actor actor, String clientId) {
        Instant end = clock.instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        Instant start = end.minus(Duration.ofHours(24));
        Map<Instant, UsageCount> found = new HashMap<>();
        counts(actor, clientId, start, end).forEach(count -> found.put(count.start(), count));
        List<UsageCount> hours = new ArrayList<>(24);
        for (Instant hour = start; hour.isBefore(end); hour = hour.plus(Duration.ofHours(1))) {
            hours.add(found.getOrDefault(hour, new UsageCount(hour, 0, 0)));
        }
        return hours;
    }

    /** The last 30 days (UTC), today last. */
    public List<UsageCount> daily(Actor actor, String clientId) {
        Instant end = clock.instant().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
        Instant start = end.minus(Duration.ofDays(30));
        Map<Instant, long[]> days = new HashMap<>();
        for (UsageCount count : counts(actor, clientId, start, end)) {
            long[] sums = days.computeIfAbsent(count.start().truncatedTo(ChronoUnit.DAYS), day -> new long[2]);
            sums[0] += count.issued();
            sums[1] += count.errors();
        }
        List<UsageCount> result = new ArrayList<>(30);
        for (Instant day = start; day.isBefore(end); day = day.plus(Duration.ofDays(1))) {
            long[] sums = days.getOrDefault(day, new long[2]);
            result.add(new UsageCount(day, sums[0], sums[1]));
        }
        return result;
    }

    /** The clients the actor may see that got most tokens over the last 24 hours. */
    public List<Busy> busiest(Actor actor, int limit) {
        String owner = actor.admin() ? null : actor.accountId();
        if (!actor.admin() && owner == null) {
            return List.of();
        }
        Instant from = clock.instant().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(23));
        return usage.busiest(from, owner, limit).stream().map(entry -> new Busy(entry.getKey(),
                clients.find(entry.getKey()).map(RegisteredClient::metadata).map(m -> m.clientName()).orElse(null),
                entry.getValue())).toList();
    }

    /** A client's latest token endpoint errors; the caller has checked the actor may see the client. */
    public List<ClientError> errors(String clientId, int limit) {
        return usage.errors(clientId, limit);
    }

    private List<UsageCount> counts(Actor actor, String clientId, Instant from, Instant to) {
        if (clientId != null) {
            return usage.hourly(clientId, null, from, to);
        }
        if (actor.admin()) {
            return usage.hourly(null, null, from, to);
        }
        return actor.accountId() == null ? List.of() : usage.hourly(null, actor.accountId(), from, to);
    }
}
