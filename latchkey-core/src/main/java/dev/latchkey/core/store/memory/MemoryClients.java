package dev.latchkey.core.store.memory;

import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.client.StoredSecret;
import dev.latchkey.core.store.ClientStore;
import dev.latchkey.core.store.Cursor;
import dev.latchkey.core.store.Page;
import dev.latchkey.core.store.StoreUnavailableException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Client applications in memory, under the lock of their {@link InMemoryStores}. */
final class MemoryClients implements ClientStore {

    private static final Comparator<RegisteredClient> NEWEST_FIRST =
            Comparator.comparing(RegisteredClient::issuedAt).thenComparing(RegisteredClient::clientId).reversed();

    private final InMemoryStores stores;
    private final MemoryAudit audit;
    private final Map<String, RegisteredClient> clients = new HashMap<>();

    MemoryClients(InMemoryStores stores, MemoryAudit audit) {
        this.stores = stores;
        this.audit = audit;
    }

    @Override
    public void insert(RegisteredClient client, AuditEvent event) {
        synchronized (stores) {
            if (clients.containsKey(client.clientId())) {
                throw new StoreUnavailableException("duplicate key", null);
            }
            clients.put(client.clientId(), client);
            changed(client.clientId(), client.issuedAt(), event);
        }
    }

    @Override
    public Optional<RegisteredClient> find(String clientId) {
        synchronized (stores) {
            return Optional.ofNullable(clients.get(clientId));
        }
    }

    @Override
    public boolean update(RegisteredClient client, Instant now, AuditEvent event) {
        return change(client.clientId(), now, event, current -> new RegisteredClient(current.clientId(),
                current.secrets(), current.registrationTokenHash(), client.metadata(), current.issuedAt(),
                client.ownerId(), client.disabled(), current.lastUsedAt()));
    }

    @Override
    public boolean delete(String clientId, Instant now, AuditEvent event) {
        synchronized (stores) {
            boolean removed = clients.remove(clientId) != null;
            stores.revokeEverythingOf(clientId);
            changed(clientId, now, removed ? event : null);
            return removed;
        }
    }

    @Override
    public void addSecret(String clientId, StoredSecret secret, Instant now, AuditEvent event) {
        change(clientId, now, event, current -> {
            List<StoredSecret> secrets = new ArrayList<>(current.secrets());
            secrets.add(secret);
            return current.withSecrets(secrets);
        });
    }

    @Override
    public boolean rotateSecret(String clientId, String oldSecretId, Instant oldExpiresAt, StoredSecret added,
            Instant now, AuditEvent event) {
        synchronized (stores) {
            RegisteredClient current = clients.get(clientId);
            if (current == null || current.secrets().stream().noneMatch(s -> s.secretId().equals(oldSecretId))) {
                return false;
            }
            List<StoredSecret> secrets = new ArrayList<>();
            current.secrets().forEach(s -> secrets.add(s.secretId().equals(oldSecretId) ? s.withExpiry(oldExpiresAt) : s));
            secrets.add(added);
            clients.put(clientId, current.withSecrets(secrets));
            changed(clientId, now, event);
            return true;
        }
    }

    @Override
    public boolean setSecretExpiry(String clientId, String secretId, Instant expiresAt, Instant now, AuditEvent event) {
        return changeSecrets(clientId, secretId, now, event, secrets -> secrets.stream()
                .map(s -> s.secretId().equals(secretId) ? s.withExpiry(expiresAt) : s).toList());
    }

    @Override
    public boolean deleteSecret(String clientId, String secretId, Instant now, AuditEvent event) {
        return changeSecrets(clientId, secretId, now, event,
                secrets -> secrets.stream().filter(s -> !s.secretId().equals(secretId)).toList());
    }

    @Override
    public Page<RegisteredClient> list(Query query) {
        synchronized (stores) {
            String search = query.search() == null ? null : query.search().toLowerCase(Locale.ROOT);
            Cursor after = query.after();
            List<RegisteredClient> rows = clients.values().stream()
                    .filter(c -> query.ownerId() == null || query.ownerId().equals(c.ownerId()))
                    .filter(c -> search == null || c.clientId().equals(query.search())
                            || c.metadata().clientName() != null
                            && c.metadata().clientName().toLowerCase(Locale.ROOT).contains(search))
                    .filter(c -> query.scope() == null || c.metadata().scope().values().contains(query.scope()))
                    .filter(c -> after == null || c.issuedAt().getEpochSecond() < after.time()
                            || c.issuedAt().getEpochSecond() == after.time() && c.clientId().compareTo(after.id()) < 0)
                    .sorted(NEWEST_FIRST)
                    .limit(query.limit() + 1L)
                    .toList();
            if (rows.size() <= query.limit()) {
                return new Page<>(rows, null);
            }
            List<RegisteredClient> page = rows.subList(0, query.limit());
            RegisteredClient last = page.get(page.size() - 1);
            return new Page<>(page, new Cursor(last.issuedAt().getEpochSecond(), last.clientId()).encode());
        }
    }

    /** Records when clients and secrets were last used (no change entry: nothing a cache holds). */
    void recordUse(Map<String, Instant> clientsUsed, Map<String, Instant> secretsUsed) {
        synchronized (stores) {
            clientsUsed.forEach((clientId, at) -> clients.computeIfPresent(clientId, (id, c) -> new RegisteredClient(
                    id, c.secrets(), c.registrationTokenHash(), c.metadata(), c.issuedAt(), c.ownerId(), c.disabled(), at)));
            clients.replaceAll((id, c) -> c.secrets().stream().noneMatch(s -> secretsUsed.containsKey(s.secretId())) ? c
                    : c.withSecrets(c.secrets().stream().map(s -> !secretsUsed.containsKey(s.secretId())
                            ? s : new StoredSecret(s.secretId(), s.name(), s.hash(), s.createdAt(), s.expiresAt(),
                                    secretsUsed.get(s.secretId()))).toList()));
        }
    }

    private boolean change(String clientId, Instant now, AuditEvent event, UnaryOperator<RegisteredClient> edit) {
        synchronized (stores) {
            RegisteredClient current = clients.get(clientId);
            if (current == null) {
                return false;
            }
            clients.put(clientId, edit.apply(current));
            changed(clientId, now, event);
            return true;
        }
    }

    private boolean changeSecrets(String clientId, String secretId, Instant now, AuditEvent event,
            UnaryOperator<List<StoredSecret>> edit) {
        synchronized (stores) {
            RegisteredClient current = clients.get(clientId);
            if (current == null || current.secrets().stream().noneMatch(s -> s.secretId().equals(secretId))) {
                return false;
            }
            return change(clientId, now, event, c -> c.withSecrets(edit.apply(c.secrets())));
        }
    }

    private void changed(String clientId, Instant now, AuditEvent event) {
        stores.clientChanged(clientId, now);
        audit.appendIfAny(event);
    }
}
