package dev.latchkey.store.jdbc;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.latchkey.core.client.ClientLimits;
import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.store.ClientStore;
import dev.latchkey.core.store.record.Change;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The {@code clients} table; metadata is kept as its RFC 7591 JSON. */
final class JdbcClientStore implements ClientStore {

    private final Transactor db;
    private final JdbcChangeLog changes;
    private final Runnable onDelete;

    /** @param onDelete run after a client is deleted (its tokens were revoked in the database) */
    JdbcClientStore(Transactor db, JdbcChangeLog changes, Runnable onDelete) {
        this.db = db;
        this.changes = changes;
        this.onDelete = onDelete;
    }

    @Override
    public void insert(RegisteredClient client) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO clients (client_id, secret_hash,"
                    + " registration_token_hash, metadata, issued_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, client.clientId());
                ps.setString(2, client.secretHash());
                ps.setString(3, client.registrationTokenHash());
                ps.setString(4, JSONObjectUtils.toJSONString(client.metadata().toJson()));
                ps.setLong(5, client.issuedAt().getEpochSecond());
                ps.setLong(6, client.issuedAt().getEpochSecond());
                ps.executeUpdate();
            }
            // Nodes that looked this id up before it existed remember it as unknown: tell them.
            changes.append(c, Change.Kind.CLIENT_CHANGED, client.clientId(), client.issuedAt().plus(Duration.ofDays(1)));
            return null;
        });
    }

    @Override
    public Optional<RegisteredClient> find(String clientId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT client_id, secret_hash, registration_token_hash,"
                    + " metadata, issued_at FROM clients WHERE client_id = ?")) {
                ps.setString(1, clientId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new RegisteredClient(rs.getString("client_id"), rs.getString("secret_hash"),
                            rs.getString("registration_token_hash"), metadata(rs.getString("metadata")),
                            Instant.ofEpochSecond(rs.getLong("issued_at"))));
                }
            }
        });
    }

    @Override
    public boolean update(RegisteredClient client, Instant now) {
        return db.write(c -> {
            int updated;
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE clients SET metadata = ?, updated_at = ? WHERE client_id = ?")) {
                ps.setString(1, JSONObjectUtils.toJSONString(client.metadata().toJson()));
                ps.setLong(2, now.getEpochSecond());
                ps.setString(3, client.clientId());
                updated = ps.executeUpdate();
            }
            if (updated > 0) {
                changes.append(c, Change.Kind.CLIENT_CHANGED, client.clientId(), now.plus(Duration.ofDays(1)));
            }
            return updated > 0;
        });
    }

    @Override
    public boolean delete(String clientId, Instant now) {
        boolean removed = db.write(c -> {
            int deleted;
            // The families first: their row locks serialize this with rotations in flight (see
            // JdbcTokenStore#rotateAsync), so no successor written meanwhile escapes the revocation.
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE token_families SET revoked = 1 WHERE client_id = ? AND revoked = 0")) {
                ps.setString(1, clientId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM clients WHERE client_id = ?")) {
                ps.setString(1, clientId);
                deleted = ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE refresh_tokens SET state = 2,"
                    + " sealed_successor = NULL WHERE client_id = ? AND state <> 2")) {
                ps.setString(1, clientId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE access_tokens SET revoked = 1 WHERE client_id = ? AND revoked = 0")) {
                ps.setString(1, clientId);
                ps.executeUpdate();
            }
            changes.append(c, Change.Kind.CLIENT_CHANGED, clientId, now.plus(Duration.ofDays(1)));
            return deleted > 0;
        });
        onDelete.run();
        return removed;
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
