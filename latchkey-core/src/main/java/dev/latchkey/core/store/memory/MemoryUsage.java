package dev.latchkey.core.store.memory;

import dev.latchkey.core.store.UsageStore;
import dev.latchkey.core.usage.ClientError;
import dev.latchkey.core.usage.UsageCount;
import dev.latchkey.core.usage.UsageDelta;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Usage counts in memory, under the lock of their {@link InMemoryStores}. */
final class MemoryUsage implements UsageStore {

    private record Key(Instant hour, String clientId) {
    }

    private final Object lock;
    private final MemoryClients clients;
    private final Map<Key, long[]> counts = new HashMap<>();
    private final List<ClientError> errors = new ArrayList<>();

    MemoryUsage(Object lock, MemoryClients clients) {
        this.lock = lock;
        this.clients = clients;
    }

    @Override
    public void add(List<UsageDelta> deltas, List<ClientError> newErrors, Map<String, Instant> clientsUsed,
            Map<String, Instant> secretsUsed) {
        synchronized (lock) {
            for (UsageDelta delta : deltas) {
                long[] sums = counts.computeIfAbsent(new Key(delta.hour(), delta.clientId()), k -> new long[2]);
                sums[0] += delta.issued();
                sums[1] += delta.errors();
            }
            errors.addAll(newErrors);
            clients.recordUse(clientsUsed, secretsUsed);
        }
    }

    @Override
    public List<UsageCount> hourly(String clientId, String ownerId, Instant from, Instant to) {
        synchronized (lock) {
            Map<Instant, long[]> hours = new TreeMap<>();
            counts.forEach((key, sums) -> {
                if ((clientId == null || clientId.equals(key.clientId())) && ownedBy(key.clientId(), ownerId)
                        && !key.hour().isBefore(from)
                        && key.hour().isBefore(to)) {
                    long[] total = hours.computeIfAbsent(key.hour(), h -> new long[2]);
                    total[0] += sums[0];
                    total[1] += sums[1];
                }
            });
            return hours.entrySet().stream()
                    .map(e -> new UsageCount(e.getKey(), e.getValue()[0], e.getValue()[1])).toList();
        }
    }

    @Override
    public List<Map.Entry<String, Long>> busiest(Instant from, String ownerId, int limit) {
        synchronized (lock) {
            Map<String, Long> totals = new HashMap<>();
            counts.forEach((key, sums) -> {
                if (!key.clientId().isEmpty() && !key.hour().isBefore(from) && ownedBy(key.clientId(), ownerId)) {
                    totals.merge(key.clientId(), sums[0], Long::sum);
                }
            });
            return totals.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(limit)
                    .<Map.Entry<String, Long>>map(e -> new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue()))
                    .toList();
        }
    }

    private boolean ownedBy(String clientId, String ownerId) {
        return ownerId == null || clients.find(clientId).map(c -> ownerId.equals(c.ownerId())).orElse(false);
    }

    @Override
    public List<ClientError> errors(String clientId, int limit) {
        synchronized (lock) {
            return errors.stream().filter(e -> e.clientId().equals(clientId))
                    .sorted(Comparator.comparing(ClientError::at).reversed()).limit(limit).toList();
        }
    }

    @Override
    public int purge(Instant before, int batchSize) {
        synchronized (lock) {
            int before0 = counts.size() + errors.size();
            counts.keySet().removeIf(key -> key.hour().isBefore(before));
            errors.removeIf(error -> error.at().isBefore(before));
            return before0 - counts.size() - errors.size();
        }
    }
}
