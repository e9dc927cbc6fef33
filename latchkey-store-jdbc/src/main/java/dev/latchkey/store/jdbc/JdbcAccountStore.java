package dev.latchkey.store.jdbc;

import static dev.latchkey.store.jdbc.JdbcSupport.seconds;
import static dev.latchkey.store.jdbc.JdbcSupport.setSeconds;

import dev.latchkey.core.account.Account;
import dev.latchkey.core.account.Role;
import dev.latchkey.core.account.Session;
import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.store.AccountStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code accounts} and {@code sessions} tables. */
final class JdbcAccountStore implements AccountStore {

    private static final String COLUMNS = "account_id, username, role, password_hash, disabled, must_change_password,"
            + " invite_hash, invite_expires_at, created_at, updated_at, email";

    private final Transactor db;
    private final JdbcAuditStore audit;

    JdbcAccountStore(Transactor db, JdbcAuditStore audit) {
        this.db = db;
        this.audit = audit;
    }

    @Override
    public void insert(Account account, AuditEvent event) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bind(ps, account);
                ps.executeUpdate();
            }
            if (event != null) {
                audit.append(c, event);
            }
            return null;
        });
    }

    @Override
    public Optional<Account> find(String accountId) {
        return one("account_id = ?", accountId);
    }

    @Override
    public Optional<Account> findByUsername(String username) {
        return one("username = ?", username);
    }

    @Override
    public Optional<Account> findByInvitation(String inviteHash) {
        return one("invite_hash = ?", inviteHash);
    }

    @Override
    public boolean update(Account account, AuditEvent event) {
        return db.write(c -> {
            int updated;
            try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET role = ?, password_hash = ?,"
                    + " disabled = ?, must_change_password = ?, invite_hash = ?, invite_expires_at = ?, updated_at = ?"
                    + " WHERE account_id = ?")) {
                ps.setString(1, account.role().wireName());
                ps.setString(2, account.passwordHash());
                ps.setInt(3, account.disabled() ? 1 : 0);
                ps.setInt(4, account.mustChangePassword() ? 1 : 0);
                ps.setString(5, account.inviteHash());
                setSeconds(ps, 6, account.inviteExpiresAt());
                setSeconds(ps, 7, account.updatedAt());
                ps.setString(8, account.accountId());
                updated = ps.executeUpdate();
            }
            if (updated > 0 && event != null) {
                audit.append(c, event);
            }
            return updated > 0;
        });
    }

    @Override
    public List<Account> all() {
        return db.read(c -> {
            List<Account> accounts = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM accounts ORDER BY username");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    accounts.add(account(rs));
                }
            }
            return accounts;
        });
    }

    @Override
    public long count() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM accounts");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public void insertSession(Session session, AuditEvent event) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO sessions (session_hash, account_id, created_at,"
                    + " last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, session.sessionHash());
                ps.setString(2, session.accountId());
                setSeconds(ps, 3, session.createdAt());
                setSeconds(ps, 4, session.lastSeenAt());
                setSeconds(ps, 5, session.expiresAt());
                ps.executeUpdate();
            }
            if (event != null) {
                audit.append(c, event);
            }
            return null;
        });
    }

    @Override
    public Optional<Session> findSession(String sessionHash) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT session_hash, account_id, created_at, last_seen_at,"
                    + " expires_at FROM sessions WHERE session_hash = ?")) {
                ps.setString(1, sessionHash);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Session(rs.getString(1), rs.getString(2), seconds(rs, 3),
                            seconds(rs, 4), seconds(rs, 5))) : Optional.empty();
                }
            }
        });
    }

    /** One indexed join instead of two reads: the users' authorization endpoint asks it on every request. */
    @Override
    public Optional<SessionOf> findSessionWithAccount(String sessionHash) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + prefixed("a.") + ", s.session_hash, s.created_at,"
                    + " s.last_seen_at, s.expires_at FROM sessions s JOIN accounts a ON a.account_id = s.account_id"
                    + " WHERE s.session_hash = ?")) {
                ps.setString(1, sessionHash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    Account account = account(rs);
                    return Optional.of(new SessionOf(new Session(rs.getString(12), account.accountId(),
                            seconds(rs, 13), seconds(rs, 14), seconds(rs, 15)), account));
                }
            }
        });
    }

    private static String prefixed(String alias) {
        return java.util.Arrays.stream(COLUMNS.split(",")).map(String::strip).map(column -> alias + column)
                .collect(java.util.stream.Collectors.joining(", "));
    }

    @Override
    public void touchSession(String sessionHash, Instant now) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE sessions SET last_seen_at = ? WHERE session_hash = ?")) {
                setSeconds(ps, 1, now);
                ps.setString(2, sessionHash);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void deleteSession(String sessionHash, AuditEvent event) {
        db.write(c -> {
            int deleted;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM sessions WHERE session_hash = ?")) {
                ps.setString(1, sessionHash);
                deleted = ps.executeUpdate();
            }
            if (deleted > 0 && event != null) {
                audit.append(c, event);
            }
            return null;
        });
    }

    @Override
    public void deleteSessions(String accountId) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM sessions WHERE account_id = ?")) {
                ps.setString(1, accountId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public int purgeSessions(Instant now, int batchSize) {
        long cutoff = now.getEpochSecond();
        long idle = now.minus(Session.IDLE).getEpochSecond();
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM sessions WHERE session_hash IN (SELECT"
                    + " session_hash FROM sessions WHERE expires_at <= ? OR last_seen_at <= ? LIMIT ?)")) {
                ps.setLong(1, cutoff);
                ps.setLong(2, idle);
                ps.setInt(3, batchSize);
                return ps.executeUpdate();
            }
        });
    }

    private Optional<Account> one(String condition, String value) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM accounts WHERE " + condition)) {
                ps.setString(1, value);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(account(rs)) : Optional.empty();
                }
            }
        });
    }

    private static void bind(PreparedStatement ps, Account a) throws SQLException {
        ps.setString(1, a.accountId());
        ps.setString(2, a.username());
        ps.setString(3, a.role().wireName());
        ps.setString(4, a.passwordHash());
        ps.setInt(5, a.disabled() ? 1 : 0);
        ps.setInt(6, a.mustChangePassword() ? 1 : 0);
        ps.setString(7, a.inviteHash());
        setSeconds(ps, 8, a.inviteExpiresAt());
        setSeconds(ps, 9, a.createdAt());
        setSeconds(ps, 10, a.updatedAt());
        ps.setString(11, a.email());
    }

    private static Account account(ResultSet rs) throws SQLException {
        return new Account(rs.getString(1), rs.getString(2), Role.fromWire(rs.getString(3)).orElseThrow(),
                rs.getString(4), rs.getInt(5) != 0, rs.getInt(6) != 0, rs.getString(7), seconds(rs, 8),
                seconds(rs, 9), seconds(rs, 10), rs.getString(11));
    }
}
