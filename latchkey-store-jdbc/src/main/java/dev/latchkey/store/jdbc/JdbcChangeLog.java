package dev.latchkey.store.jdbc;

import dev.latchkey.core.store.Change;
import dev.latchkey.core.store.ChangeLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The {@code changes} table: written inside the transactions that cause a change, read by every node. */
final class JdbcChangeLog implements ChangeLog {

    private final Transactor db;

    JdbcChangeLog(Transactor db) {
        this.db = db;
    }

    /** Appends an entry inside the caller's transaction. */
    static void append(Connection c, Change.Kind kind, String ref, Instant expiresAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO changes (kind, ref, expires_at) VALUES (?, ?, ?)")) {
            ps.setString(1, kind.name());
            ps.setString(2, ref);
            ps.setLong(3, expiresAt.getEpochSecond());
            ps.executeUpdate();
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
                    + " WHERE kind IN ('JTI_REVOKED', 'FAMILY_REVOKED') AND expires_at > ? ORDER BY seq")) {
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
