package dev.latchkey.store.jdbc;

import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.audit.AuditQuery;
import dev.latchkey.core.store.AuditStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The {@code audit_events} table: appended inside the transactions of the changes it records. */
final class JdbcAuditStore implements AuditStore {

    private final Transactor db;

    JdbcAuditStore(Transactor db) {
        this.db = db;
    }

    @Override
    public int purgeBefore(java.time.Instant cutoff, int batchSize) {
        return db.write(c -> {
            try (java.sql.PreparedStatement ps = c.prepareStatement("DELETE FROM audit_events WHERE seq IN"
                    + " (SELECT seq FROM audit_events WHERE at < ? ORDER BY at LIMIT ?)")) {
                ps.setLong(1, cutoff.toEpochMilli()); // audit times are kept in milliseconds
                ps.setInt(2, batchSize);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public long append(AuditEvent event) {
        return db.write(c -> {
            // RETURNING: PostgreSQL and SQLite (3.35 and later) both answer the seq they gave it.
            try (PreparedStatement ps = c.prepareStatement(INSERT + " RETURNING seq")) {
                bind(ps, event);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private static final String INSERT = "INSERT INTO audit_events (at, actor, action, target_kind, target_id,"
            + " owner_id, before_json, after_json, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** Appends inside the caller's transaction. */
    void append(Connection c, AuditEvent event) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            bind(ps, event);
            ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, AuditEvent event) throws SQLException {
        ps.setLong(1, event.at().toEpochMilli());
        ps.setString(2, event.actor());
        ps.setString(3, event.action());
        ps.setString(4, event.targetKind());
        ps.setString(5, event.targetId());
        ps.setString(6, event.ownerId());
        ps.setString(7, event.before());
        ps.setString(8, event.after());
        ps.setString(9, event.source());
    }

    @Override
    public List<AuditEvent> list(AuditQuery query) {
        return db.read(c -> {
            StringBuilder sql = new StringBuilder("SELECT seq, at, actor, action, target_kind, target_id, owner_id,"
                    + " before_json, after_json, source FROM audit_events WHERE 1 = 1");
            List<Object> parameters = new ArrayList<>();
            filter(sql, parameters, "actor = ?", query.actor());
            filter(sql, parameters, "action = ?", query.action());
            filter(sql, parameters, "target_id = ?", query.targetId());
            filter(sql, parameters, "owner_id = ?", query.ownerId());
            filter(sql, parameters, "seq < ?", query.before());
            sql.append(" ORDER BY seq DESC LIMIT ?");
            parameters.add(query.limit());
            List<AuditEvent> events = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < parameters.size(); i++) {
                    ps.setObject(i + 1, parameters.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        events.add(new AuditEvent(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                                rs.getString(9), rs.getString(10)));
                    }
                }
            }
            return events;
        });
    }

    @Override
    public List<AuditEvent> after(long seq, int limit) {
        return db.read(c -> {
            List<AuditEvent> events = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, at, actor, action, target_kind, target_id,"
                    + " owner_id, before_json, after_json, source FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?")) {
                ps.setLong(1, seq);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        events.add(new AuditEvent(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                                rs.getString(9), rs.getString(10)));
                    }
                }
            }
            return events;
        });
    }

    private static void filter(StringBuilder sql, List<Object> parameters, String condition, Object value) {
        if (value != null) {
            sql.append(" AND ").append(condition);
            parameters.add(value);
        }
    }
}
