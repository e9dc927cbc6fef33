package dev.latchkey.store.jdbc;

import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.catalogue.Api;
import dev.latchkey.core.catalogue.ApiScope;
import dev.latchkey.core.store.CatalogueStore;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The {@code apis}, {@code api_scopes} and {@code scope_grants} tables. Catalogues are small: read whole. */
final class JdbcCatalogueStore implements CatalogueStore {

    private final Transactor db;
    private final JdbcAuditStore audit;

    JdbcCatalogueStore(Transactor db, JdbcAuditStore audit) {
        this.db = db;
        this.audit = audit;
    }

    @Override
    public List<Api> apis() {
        return db.read(c -> {
            Map<String, List<ApiScope>> scopes = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT scope, api_id, description, restricted FROM api_scopes ORDER BY scope");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    scopes.computeIfAbsent(rs.getString(2), id -> new ArrayList<>())
                            .add(new ApiScope(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4) != 0));
                }
            }
            List<Api> apis = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT api_id, name, identifier, description, created_at FROM apis ORDER BY name, api_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    apis.add(new Api(rs.getString(1), rs.getString(2), URI.create(rs.getString(3)), rs.getString(4),
                            Instant.ofEpochSecond(rs.getLong(5)), scopes.getOrDefault(rs.getString(1), List.of())));
                }
            }
            return apis;
        });
    }

    @Override
    public Optional<Api> api(String apiId) {
        return apis().stream().filter(api -> api.apiId().equals(apiId)).findFirst();
    }

    @Override
    public void insertApi(Api api, AuditEvent event) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO apis (api_id, name, identifier, description, created_at) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, api.apiId());
                ps.setString(2, api.name());
                ps.setString(3, api.identifier().toString());
                ps.setString(4, api.description());
                ps.setLong(5, api.createdAt().getEpochSecond());
                ps.executeUpdate();
            }
            insertScopes(c, api.scopes());
            audit(c, event);
            return null;
        });
    }

    @Override
    public boolean updateApi(Api api, AuditEvent event) {
        return db.write(c -> {
            int updated;
            try (PreparedStatement ps = c.prepareStatement("UPDATE apis SET name = ?, description = ? WHERE api_id = ?")) {
                ps.setString(1, api.name());
                ps.setString(2, api.description());
                ps.setString(3, api.apiId());
                updated = ps.executeUpdate();
            }
            if (updated == 0) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_scopes WHERE api_id = ?")) {
                ps.setString(1, api.apiId());
                ps.executeUpdate();
            }
            insertScopes(c, api.scopes());
            // Grants of scopes the API no longer has go with them.
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM scope_grants WHERE scope NOT IN (SELECT scope FROM api_scopes)")) {
                ps.executeUpdate();
            }
            audit(c, event);
            return true;
        });
    }

    @Override
    public boolean deleteApi(String apiId, AuditEvent event) {
        return db.write(c -> {
            int deleted;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM apis WHERE api_id = ?")) {
                ps.setString(1, apiId);
                deleted = ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_scopes WHERE api_id = ?")) {
                ps.setString(1, apiId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM scope_grants WHERE scope NOT IN (SELECT scope FROM api_scopes)")) {
                ps.executeUpdate();
            }
            if (deleted > 0) {
                audit(c, event);
            }
            return deleted > 0;
        });
    }

    @Override
    public Map<String, ApiScope> scopes() {
        Map<String, ApiScope> scopes = new LinkedHashMap<>();
        for (Api api : apis()) {
            api.scopes().forEach(scope -> scopes.put(scope.value(), scope));
        }
        return scopes;
    }

    @Override
    public Map<String, Set<String>> grants() {
        return db.read(c -> {
            Map<String, Set<String>> grants = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT scope, account_id FROM scope_grants");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    grants.computeIfAbsent(rs.getString(2), id -> new TreeSet<>()).add(rs.getString(1));
                }
            }
            return grants;
        });
    }

    @Override
    public void grant(String scope, String accountId, AuditEvent event) {
        db.write(c -> {
            boolean exists;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM scope_grants WHERE scope = ? AND account_id = ?")) {
                ps.setString(1, scope);
                ps.setString(2, accountId);
                try (ResultSet rs = ps.executeQuery()) {
                    exists = rs.next();
                }
            }
            if (!exists) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO scope_grants (scope, account_id) VALUES (?, ?)")) {
                    ps.setString(1, scope);
                    ps.setString(2, accountId);
                    ps.executeUpdate();
                }
            }
            audit(c, event);
            return null;
        });
    }

    @Override
    public boolean revoke(String scope, String accountId, AuditEvent event) {
        return db.write(c -> {
            int deleted;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM scope_grants WHERE scope = ? AND account_id = ?")) {
                ps.setString(1, scope);
                ps.setString(2, accountId);
                deleted = ps.executeUpdate();
            }
            if (deleted > 0) {
                audit(c, event);
            }
            return deleted > 0;
        });
    }

    private static void insertScopes(Connection c, List<ApiScope> scopes) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO api_scopes (scope, api_id, description, restricted) VALUES (?, ?, ?, ?)")) {
            for (ApiScope scope : scopes) {
                ps.setString(1, scope.value());
                ps.setString(2, scope.apiId());
                ps.setString(3, scope.description());
                ps.setInt(4, scope.restricted() ? 1 : 0);
                ps.executeUpdate();
            }
        }
    }

    private void audit(Connection c, AuditEvent event) throws SQLException {
        if (event != null) {
            audit.append(c, event);
        }
    }
}
