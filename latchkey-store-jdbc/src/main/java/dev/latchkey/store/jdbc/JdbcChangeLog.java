package dev.latchkey.store.jdbc;

import dev.latchkey.core.store.ChangeLog;
import dev.latchkey.core.store.record.Change;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The {@code changes} table: written inside the transactions that cause a change, read by every node. */
final class JdbcChangeLog implements ChangeLog {

    /** PostgreSQL channel on which every change is announced, at the commit of its transaction. */
    static final String CHANNEL = "latchkey_changes";
    // Any constant works; it only has to be the same on every node.
    private static final long APPEND_LOCK = 0x4C617463686B6579L;

    private final Transactor db;
    private final Dialect dialect;

    JdbcChangeLog(Transactor db, Dialect dialect) {
        this.db = db;
        this.dialect = dialect;
    }

    /**
     * Appends an entry inside the caller's transaction.
     *
     * <p>Readers follow the log by sequence number, so entries must become visible in sequence
     * order. SQLite has one writer at a time, so they do. PostgreSQL hands out sequence numbers at
     * insert but makes them visible at commit, in any order: a reader could see 6, move past it,
     * and never see 5. So on PostgreSQL every append first takes one transaction-scoped advisory
     * lock; the next appender waits for this transaction to commit before it draws its number.
     * Changes are rare (revocations, client and key changes), so the lock costs nothing. The
     * NOTIFY is delivered at commit and wakes every node's feed.
     */
    void append(Connection c, Change.Kind kind, String ref, Instant expiresAt) throws SQLException {
        if (dialect == Dialect.POSTGRESQL) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                ps.setLong(1, APPEND_LOCK);
                ps.execute();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO changes (kind, ref, expires_at) VALUES (?, ?, ?)")) {
            ps.setString(1, kind.name());
            ps.setString(2, ref);
            ps.setLong(3, expiresAt.getEpochSecond());
            ps.executeUpdate();
        }
        if (dialect == Dialect.POSTGRESQL) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify('" + CHANNEL + "', '')")) {
                ps.execute();
            }
        }
    }

    /** True if an entry of this kind for this ref is in the log (inside the caller's transaction). */
    boolean contains(Connection c, Change.Kind kind, String ref) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM changes WHERE ref = ? AND kind = ?")) {
            ps.setString(1, ref);
            ps.setString(2, kind.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public List<Change> since(long seq, int limit) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT seq, kind, ref, expires_at FROM changes WHERE seq > ? ORDER BY seq LIMIT ?")) {
                ps.setLong(1, seq);
                ps.setInt(2, limit);
                return list(ps);
            }
        });
    }

    @Override
    public long latestSeq() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM changes");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public List<Change> activeRevocations(Instant now) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, kind, ref, expires_at FROM changes"
                    + " WHERE kind IN ('JTI_REVOKED', 'FAMILY_REVOKED', 'CLIENT_TOKENS_REVOKED') AND expires_at > ? ORDER BY seq")) {
                ps.setLong(1, now.getEpochSecond());
                return list(ps);
            }
        });
    }

    private static List<Change> list(PreparedStatement ps) throws SQLException {
        List<Change> changes = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                changes.add(new Change(rs.getLong("seq"), Change.Kind.valueOf(rs.getString("kind")),
                        rs.getString("ref"), Instant.ofEpochSecond(rs.getLong("expires_at"))));
            }
        }
        return changes;
    }
}
