package dev.latchkey.core.store.memory;

import dev.latchkey.core.account.Account;
import dev.latchkey.core.account.Session;
import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.store.AccountStore;
import dev.latchkey.core.store.StoreUnavailableException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Accounts and sessions in memory, under the lock of their {@link InMemoryStores}. */
final class MemoryAccounts implements AccountStore {

    private final Object lock;
    private final MemoryAudit audit;
    private final Map<String, Account> accounts = new HashMap<>();
    private final Map<String, Session> sessions = new HashMap<>();

    MemoryAccounts(Object lock, MemoryAudit audit) {
        this.lock = lock;
        this.audit = audit;
    }

    @Override
    public void insert(Account account, AuditEvent event) {
        synchronized (lock) {
            if (accounts.containsKey(account.accountId()) || findByUsername(account.username()).isPresent()) {
                throw new StoreUnavailableException("duplicate key", null);
            }
            accounts.put(account.accountId(), account);
            audit.appendIfAny(event);
        }
    }

    @Override
    public Optional<Account> find(String accountId) {
        synchronized (lock) {
            return Optional.ofNullable(accounts.get(accountId));
        }
    }

    @Override
    public Optional<Account> findByUsername(String username) {
        synchronized (lock) {
            return accounts.values().stream().filter(a -> a.username().equals(username)).findFirst();
        }
    }

    @Override
    public Optional<Account> findByInvitation(String inviteHash) {
        synchronized (lock) {
            return accounts.values().stream().filter(a -> inviteHash.equals(a.inviteHash())).findFirst();
        }
    }

    @Override
    public boolean update(Account account, AuditEvent event) {
        synchronized (lock) {
            Account current = accounts.get(account.accountId());
            if (current == null) {
                return false;
            }
            // The username and creation time are not updatable, as in the database.
            accounts.put(account.accountId(), new Account(current.accountId(), current.username(), account.role(),
                    account.passwordHash(), account.disabled(), account.mustChangePassword(), account.inviteHash(),
                    account.inviteExpiresAt(), current.createdAt(), account.updatedAt(), current.email()));
            audit.appendIfAny(event);
            return true;
        }
    }

    @Override
    public List<Account> all() {
        synchronized (lock) {
            return accounts.values().stream().sorted(Comparator.comparing(Account::username)).toList();
        }
    }

    @Override
    public long count() {
        synchronized (lock) {
            return accounts.size();
        }
    }

    @Override
    public void insertSession(Session session, AuditEvent event) {
        synchronized (lock) {
            if (sessions.putIfAbsent(session.sessionHash(), session) != null) {
                throw new StoreUnavailableException("duplicate key", null);
            }
            audit.appendIfAny(event);
        }
    }

    @Override
    public Optional<Session> findSession(String sessionHash) {
        synchronized (lock) {
            return Optional.ofNullable(sessions.get(sessionHash));
        }
    }

    @Override
    public void touchSession(String sessionHash, Instant now) {
        synchronized (lock) {
            sessions.computeIfPresent(sessionHash,
                    (hash, s) -> new Session(hash, s.accountId(), s.createdAt(), now, s.expiresAt()));
        }
    }

    @Override
    public void deleteSession(String sessionHash, AuditEvent event) {
        synchronized (lock) {
            if (sessions.remove(sessionHash) != null) {
                audit.appendIfAny(event);
            }
        }
    }

    @Override
    public void deleteSessions(String accountId) {
        synchronized (lock) {
            sessions.values().removeIf(s -> s.accountId().equals(accountId));
        }
    }

    @Override
    public int purgeSessions(Instant now, int batchSize) {
        synchronized (lock) {
            int removed = 0;
            Iterator<Session> all = sessions.values().iterator();
            while (all.hasNext() && removed < batchSize) {
                if (!all.next().isLive(now)) {
                    all.remove();
                    removed++;
                }
            }
            return removed;
        }
    }
}
