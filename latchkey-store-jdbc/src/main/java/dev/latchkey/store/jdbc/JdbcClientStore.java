package dev.latchkey.store.jdbc;

import static dev.latchkey.store.jdbc.JdbcSupport.seconds;
import static dev.latchkey.store.jdbc.JdbcSupport.setSeconds;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.client.ClientLimits;
import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.client.StoredSecret;
import dev.latchkey.core.store.ClientStore;
import dev.latchkey.core.store.Cursor;
import dev.latchkey.core.store.Page;
import dev.latchkey.core.store.record.Change;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code clients} and {@code client_secrets} tables; metadata is kept as its RFC 7591 JSON,
 * with the name beside it for searching. Every change appends a {@code CLIENT_CHANGED} and its
 * audit entry in its transaction.
 */
final class JdbcClientStore implements ClientStore {

    private static final String CLIENT_COLUMNS =
            "client_id, registration_token_hash, metadata, issued_at, owner_id, disabled, last_used_at";
    private static final String SECRET_COLUMNS =
            "secret_id, client_id, name, secret_hash, created_at, expires_at, last_used_at";
    private static final Duration CHANGE_TTL = Duration.ofDays(1);

    private final Transactor db;
    private final JdbcChangeLog changes;
    private final JdbcAuditStore audit;
    private final Runnable onDelete;

    /** @param onDelete run after a client is deleted (its tokens were revoked in the database) */
    JdbcClientStore(Transactor db, JdbcChangeLog changes, JdbcAuditStore audit, Runnable onDelete) {
        this.db = db;
        this.changes = changes;
        this.audit = audit;
        this.onDelete = onDelete;
    }

    @Override
    public void insert(RegisteredClient client, AuditEvent event) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO clients (client_id, registration_token_hash,"
                    + " metadata, name, issued_at, updated_at, owner_id, disabled, scopes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, client.clientId());
                ps.setString(2, client.registrationTokenHash());
                ps.setString(3, JSONObjectUtils.toJSONString(client.metadata().toJson()));
                ps.setString(4, searchName(client));
                ps.setLong(5, client.issuedAt().getEpochSecond());
                ps.setLong(6, client.issuedAt().getEpochSecond());
                ps.setString(7, client.ownerId());
                ps.setInt(8, client.disabled() ? 1 : 0);
                ps.setString(9, searchScopes(client));
                ps.executeUpdate();
            }
            for (StoredSecret secret : client.secrets()) {
                insertSecret(c, client.clientId(), secret);
            }
            // Nodes that looked this id up before it existed remember it as unknown: tell them.
            changed(c, client.clientId(), client.issuedAt(), event);
            return null;
        });
    }

    @Override
    public Optional<RegisteredClient> find(String clientId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + CLIENT_COLUMNS + " FROM clients WHERE client_id = ?")) {
                ps.setString(1, clientId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    RegisteredClient client = client(rs, List.of());
                    return Optional.of(client.withSecrets(secrets(c, List.of(clientId)).getOrDefault(clientId, List.of())));
                }
            }
        });
    }

    @Override
    public boolean update(RegisteredClient client, Instant now, AuditEvent event) {
        return db.write(c -> {
            int updated;
            try (PreparedStatement ps = c.prepareStatement("UPDATE clients SET metadata = ?, name = ?, updated_at = ?,"
                    + " owner_id = ?, disabled = ?, scopes = ? WHERE client_id = ?")) {
                ps.setString(1, JSONObjectUtils.toJSONString(client.metadata().toJson()));
                ps.setString(2, searchName(client));
                ps.setLong(3, now.getEpochSecond());
                ps.setString(4, client.ownerId());
                ps.setInt(5, client.disabled() ? 1 : 0);
                ps.setString(6, searchScopes(client));
                ps.setString(7, client.clientId());
                updated = ps.executeUpdate();
            }
            if (updated > 0) {
                changed(c, client.clientId(), now, event);
            }
            return updated > 0;
        });
    }

    @Override
    public boolean delete(String clientId, Instant now, AuditEvent event) {
        boolean removed = db.write(c -> {
            // The families first: their row locks serialize this with rotations in flight (see
            // JdbcTokenStore#rotateAsync), so no successor written meanwhile escapes the revocation.
            JdbcTokenStore.revokeAllOf(c, clientId);
            int deleted = execute(c, "DELETE FROM clients WHERE client_id = ?", clientId);
            execute(c, "DELETE FROM client_secrets WHERE client_id = ?", clientId);
            changed(c, clientId, now, deleted > 0 ? event : null);
            return deleted > 0;
        });
        onDelete.run();
        return removed;
    }

    @Override
    public void addSecret(String clientId, StoredSecret secret, Instant now, AuditEvent event) {
        db.write(c -> {
            insertSecret(c, clientId, secret);
            changed(c, clientId, now, event);
            return null;
        });
    }

    @Override
    public boolean rotateSecret(String clientId, String oldSecretId, Instant oldExpiresAt, StoredSecret added,
            Instant now, AuditEvent event) {
        return db.write(c -> {
            if (setExpiry(c, clientId, oldSecretId, oldExpiresAt) == 0) {
                return false;
            }
            insertSecret(c, clientId, added);
            changed(c, clientId, now, event);
            return true;
        });
    }

    @Override
    public boolean setSecretExpiry(String clientId, String secretId, Instant expiresAt, Instant now, AuditEvent event) {
        return db.write(c -> {
            if (setExpiry(c, clientId, secretId, expiresAt) == 0) {
                return false;
            }
            changed(c, clientId, now, event);
            return true;
        });
    }

    @Override
    public boolean deleteSecret(String clientId, String secretId, Instant now, AuditEvent event) {
        return db.write(c -> {
            int deleted;
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM client_secrets WHERE client_id = ? AND secret_id = ?")) {
                ps.setString(1, clientId);
                ps.setString(2, secretId);
                deleted = ps.executeUpdate();
            }
            if (deleted > 0) {
                changed(c, clientId, now, event);
            }
            return deleted > 0;
        });
    }

    /**
     * Keyset pagination, newest first: the cursor is the last row's {@code issued_at} and id, so a
     * page costs one indexed range read however deep it is. The filters are checked on the index
     * {@code clients_search} alone (a search that matches nothing reads no client row); the page's
     * rows and their secrets come in two more queries.
     */
    @Override
    public Page<RegisteredClient> list(Query query) {
        return db.read(c -> {
            StringBuilder sql = new StringBuilder("SELECT client_id, issued_at FROM clients WHERE 1 = 1");
            List<Object> parameters = new ArrayList<>();
            if (query.ownerId() != null) {
                sql.append(" AND owner_id = ?");
                parameters.add(query.ownerId());
            }
            if (query.search() != null) {
                sql.append(" AND (client_id = ? OR name LIKE ? ESCAPE '!')");
                parameters.add(query.search());
                parameters.add("%" + likeEscaped(query.search().toLowerCase(Locale.ROOT)) + "%");
            }
            if (query.scope() != null) {
                sql.append(" AND scopes LIKE ? ESCAPE '!'");
                parameters.add("% " + likeEscaped(query.scope()) + " %");
            }
            Cursor after = query.after();
            if (after != null) {
                sql.append(" AND (issued_at < ? OR (issued_at = ? AND client_id < ?))");
                parameters.add(after.time());
                parameters.add(after.time());
                parameters.add(after.id());
            }
            sql.append(" ORDER BY issued_at DESC, client_id DESC LIMIT ?");
            parameters.add(query.limit() + 1);
            List<String> ids = new ArrayList<>();
            long lastIssued = 0;
            boolean more = false;
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < parameters.size(); i++) {
                    ps.setObject(i + 1, parameters.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (ids.size() == query.limit()) {
                            more = true;
                            break;
                        }
                        ids.add(rs.getString(1));
                        lastIssued = rs.getLong(2);
                    }
                }
            }
            String next = more ? new Cursor(lastIssued, ids.get(ids.size() - 1)).encode() : null;
            Map<String, RegisteredClient> rows = clients(c, ids);
            Map<String, List<StoredSecret>> secrets = secrets(c, ids);
            List<RegisteredClient> page = ids.stream().filter(rows::containsKey)
                    .map(id -> rows.get(id).withSecrets(secrets.getOrDefault(id, List.of()))).toList();
            return new Page<>(page, next);
        });
    }

    /** When clients and secrets were last used: written with the usage counts, once a minute. */
    static void recordUse(Connection c, Map<String, Instant> clients, Map<String, Instant> secrets)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE clients SET last_used_at = ? WHERE client_id = ?")) {
            for (Map.Entry<String, Instant> entry : clients.entrySet()) {
                ps.setLong(1, entry.getValue().getEpochSecond());
                ps.setString(2, entry.getKey());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE client_secrets SET last_used_at = ? WHERE secret_id = ?")) {
            for (Map.Entry<String, Instant> entry : secrets.entrySet()) {
                ps.setLong(1, entry.getValue().getEpochSecond());
                ps.setString(2, entry.getKey());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void changed(Connection c, String clientId, Instant now, AuditEvent event) throws SQLException {
        changes.append(c, Change.Kind.CLIENT_CHANGED, clientId, now.plus(CHANGE_TTL));
        if (event != null) {
            audit.append(c, event);
        }
    }

    private static int setExpiry(Connection c, String clientId, String secretId, Instant expiresAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE client_secrets SET expires_at = ? WHERE client_id = ? AND secret_id = ?")) {
            setSeconds(ps, 1, expiresAt);
            ps.setString(2, clientId);
            ps.setString(3, secretId);
            return ps.executeUpdate();
        }
    }

    private static void insertSecret(Connection c, String clientId, StoredSecret secret) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO client_secrets (" + SECRET_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, secret.secretId());
            ps.setString(2, clientId);
            ps.setString(3, secret.name());
            ps.setString(4, secret.hash());
            setSeconds(ps, 5, secret.createdAt());
            setSeconds(ps, 6, secret.expiresAt());
            setSeconds(ps, 7, secret.lastUsedAt());
            ps.executeUpdate();
        }
    }

    /** The clients of these ids (without their secrets), by id; ids not found are left out. */
    private static Map<String, RegisteredClient> clients(Connection c, List<String> clientIds) throws SQLException {
        Map<String, RegisteredClient> found = new HashMap<>();
        if (clientIds.isEmpty()) {
            return found;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + CLIENT_COLUMNS + " FROM clients"
                + " WHERE client_id IN (" + marks(clientIds.size()) + ")")) {
            bind(ps, clientIds);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    RegisteredClient client = client(rs, List.of());
                    found.put(client.clientId(), client);
                }
            }
        }
        return found;
    }

    private static Map<String, List<StoredSecret>> secrets(Connection c, List<String> clientIds) throws SQLException {
        Map<String, List<StoredSecret>> found = new LinkedHashMap<>();
        if (clientIds.isEmpty()) {
            return found;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + SECRET_COLUMNS + " FROM client_secrets"
                + " WHERE client_id IN (" + marks(clientIds.size()) + ") ORDER BY created_at, secret_id")) {
            bind(ps, clientIds);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.computeIfAbsent(rs.getString("client_id"), id -> new ArrayList<>()).add(new StoredSecret(
                            rs.getString("secret_id"), rs.getString("name"), rs.getString("secret_hash"),
                            seconds(rs, "created_at"), seconds(rs, "expires_at"), seconds(rs, "last_used_at")));
                }
            }
        }
        return found;
    }

    /** {@code ?, ?, ?} for an IN list of this many values. */
    private static String marks(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }

    private static void bind(PreparedStatement ps, List<String> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            ps.setString(i + 1, values.get(i));
        }
    }

    private static RegisteredClient client(ResultSet rs, List<StoredSecret> secrets) throws SQLException {
        return new RegisteredClient(rs.getString("client_id"), secrets, rs.getString("registration_token_hash"),
                metadata(rs.getString("metadata")), Instant.ofEpochSecond(rs.getLong("issued_at")),
                rs.getString("owner_id"), rs.getInt("disabled") != 0, seconds(rs, "last_used_at"));
    }

    private static int execute(Connection c, String sql, String parameter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, parameter);
            return ps.executeUpdate();
        }
    }

    private static String searchName(RegisteredClient client) {
        String name = client.metadata().clientName();
        return name == null ? null : name.toLowerCase(Locale.ROOT);
    }

    /** The scopes between spaces, so that {@code LIKE '% read %'} finds one scope exactly. */
    private static String searchScopes(RegisteredClient client) {
        return " " + client.metadata().scope() + " ";
    }

    private static String likeEscaped(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    private static ClientMetadata metadata(String json) {
        try {
            // Stored metadata was validated at registration; bounds lowered since then apply when
            // tokens are minted, not here, so a stored client always reads back.
            return ClientMetadata.parse(JSONObjectUtils.parse(json), ClientLimits.unbounded());
        } catch (ParseException e) {
            throw new IllegalStateException("stored client metadata is not JSON", e);
        }
    }
}
