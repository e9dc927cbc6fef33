package dev.latchkey.store.jdbc;

import dev.latchkey.core.store.UsageStore;
import dev.latchkey.core.usage.ClientError;
import dev.latchkey.core.usage.UsageCount;
import dev.latchkey.core.usage.UsageDelta;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code usage_counts} and {@code client_errors} tables. Each node adds its minute's counts with
 * an upsert ({@code ON CONFLICT ... DO UPDATE SET issued = issued + excluded.issued}, which both
 * databases have), so the counts of all nodes add up without a read.
 */
final class JdbcUsageStore implements UsageStore {

    private final Transactor db;

    JdbcUsageStore(Transactor db) {
        this.db = db;
    }

    /** The errors each client keeps. */
    static final int ERRORS_KEPT = 50;

    @Override
    public void add(List<UsageDelta> counts, List<ClientError> errors, Map<String, Instant> clientsUsed,
            Map<String, Instant> secretsUsed) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO usage_counts (hour, client_id, issued, errors)"
                    + " VALUES (?, ?, ?, ?) ON CONFLICT (hour, client_id) DO UPDATE SET"
                    + " issued = usage_counts.issued + excluded.issued, errors = usage_counts.errors + excluded.errors")) {
                for (UsageDelta delta : counts) {
                    ps.setLong(1, delta.hour().getEpochSecond());
                    ps.setString(2, delta.clientId());
                    ps.setLong(3, delta.issued());
                    ps.setLong(4, delta.errors());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO client_errors (client_id, at, error) VALUES (?, ?, ?)")) {
                for (ClientError error : errors) {
                    ps.setString(1, error.clientId());
                    ps.setLong(2, error.at().toEpochMilli());
                    ps.setString(3, error.error());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            // Each client keeps its latest errors only: the Activity tab lists them.
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM client_errors WHERE client_id = ? AND at <"
                    + " (SELECT at FROM client_errors WHERE client_id = ? ORDER BY at DESC LIMIT 1 OFFSET "
                    + (ERRORS_KEPT - 1) + ")")) {
                for (String clientId : errors.stream().map(ClientError::clientId).distinct().toList()) {
                    ps.setString(1, clientId);
                    ps.setString(2, clientId);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            JdbcClientStore.recordUse(c, clientsUsed, secretsUsed);
            return null;
        });
    }

    @Override
    public List<UsageCount> hourly(String clientId, String ownerId, Instant from, Instant to) {
        return db.read(c -> {
            String sql = clientId != null
                    ? "SELECT hour, issued, errors FROM usage_counts WHERE client_id = ? AND hour >= ? AND hour < ? ORDER BY hour"
                    : ownerId != null
                    ? "SELECT u.hour, SUM(u.issued), SUM(u.errors) FROM usage_counts u JOIN clients c"
                            + " ON c.client_id = u.client_id WHERE c.owner_id = ? AND u.hour >= ? AND u.hour < ?"
                            + " GROUP BY u.hour ORDER BY u.hour"
                    : "SELECT hour, SUM(issued), SUM(errors) FROM usage_counts WHERE hour >= ? AND hour < ? GROUP BY hour ORDER BY hour";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                if (clientId != null || ownerId != null) {
                    ps.setString(i++, clientId != null ? clientId : ownerId);
                }
                ps.setLong(i++, from.getEpochSecond());
                ps.setLong(i, to.getEpochSecond());
                List<UsageCount> counts = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        counts.add(new UsageCount(Instant.ofEpochSecond(rs.getLong(1)), rs.getLong(2), rs.getLong(3)));
                    }
                }
                return counts;
            }
        });
    }

    @Override
    public List<Map.Entry<String, Long>> busiest(Instant from, String ownerId, int limit) {
        return db.read(c -> {
            String sql = ownerId == null
                    ? "SELECT client_id, SUM(issued) AS total FROM usage_counts WHERE hour >= ? AND client_id <> ''"
                            + " GROUP BY client_id ORDER BY total DESC, client_id LIMIT ?"
                    : "SELECT u.client_id, SUM(u.issued) AS total FROM usage_counts u JOIN clients c"
                            + " ON c.client_id = u.client_id WHERE u.hour >= ? AND c.owner_id = ?"
                            + " GROUP BY u.client_id ORDER BY total DESC, u.client_id LIMIT ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                ps.setLong(i++, from.getEpochSecond());
                if (ownerId != null) {
                    ps.setString(i++, ownerId);
                }
                ps.setInt(i, limit);
                List<Map.Entry<String, Long>> busiest = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        busiest.add(new AbstractMap.SimpleImmutableEntry<>(rs.getString(1), rs.getLong(2)));
                    }
                }
                return busiest;
            }
        });
    }

    @Override
    public List<ClientError> errors(String clientId, int limit) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT client_id, at, error FROM client_errors WHERE client_id = ? ORDER BY at DESC LIMIT ?")) {
                ps.setString(1, clientId);
                ps.setInt(2, limit);
                List<ClientError> errors = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        errors.add(new ClientError(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3)));
                    }
                }
                return errors;
            }
        });
    }

    @Override
    public int purge(Instant before, int batchSize) {
        return db.write(c -> {
            int touched;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM usage_counts WHERE hour < ?")) {
                ps.setLong(1, before.getEpochSecond());
                touched = ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM client_errors WHERE at < ?")) {
                ps.setLong(1, before.toEpochMilli());
                touched += ps.executeUpdate();
            }
            return touched;
        });
    }
}
