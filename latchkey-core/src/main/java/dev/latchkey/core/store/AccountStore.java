package dev.latchkey.core.store;

import dev.latchkey.core.account.Account;
import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.account.Session;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Dashboard accounts and their sessions. Implementations are thread-safe. */
public interface AccountStore {

    /**
     * Adds the account, with {@code audit} (when not null) in the same transaction; fails with
     * {@link StoreUnavailableException} if the username is taken.
     */
    void insert(Account account, AuditEvent audit);

    Optional<Account> find(String accountId);

    Optional<Account> findByUsername(String username);

    /** The account whose pending invitation (or password reset) has this token hash. */
    Optional<Account> findByInvitation(String inviteHash);

    /** Replaces the account, with {@code audit}; false if absent. */
    boolean update(Account account, AuditEvent audit);

    /** Every account, by username: accounts are few. */
    List<Account> all();

    long count();

    /** Starts a session, with {@code audit} (when not null) in the same transaction. */
    void insertSession(Session session, AuditEvent audit);

    Optional<Session> findSession(String sessionHash);

    /** A session and its account, read together (every signed-in request needs both). */
    record SessionOf(Session session, Account account) {
    }

    /** The session with this hash and its account; empty if either is unknown. One read where it can be. */
    default Optional<SessionOf> findSessionWithAccount(String sessionHash) {
        return findSession(sessionHash).flatMap(session -> find(session.accountId())
                .map(account -> new SessionOf(session, account)));
    }

    /** Records a request of the session (for its idle timeout). */
    void touchSession(String sessionHash, Instant now);

    /** Ends a session, with {@code audit} (when not null) if it existed. */
    void deleteSession(String sessionHash, AuditEvent audit);

    /** Signs an account out everywhere: deletes every session of it. */
    void deleteSessions(String accountId);

    /** Deletes sessions that ended before {@code now}; returns how many. */
    int purgeSessions(Instant now, int batchSize);
}
