package dev.latchkey.store.jdbc;

import dev.latchkey.core.store.KeyStore;
import dev.latchkey.core.store.record.Change;
import dev.latchkey.core.store.record.StoredKey;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The {@code signing_keys} table. */
final class JdbcKeyStore implements KeyStore {

    private final Transactor db;
    private final JdbcChangeLog changes;

    JdbcKeyStore(Transactor db, JdbcChangeLog changes) {
        this.db = db;
        this.changes = changes;
    }

    @Override
    public List<StoredKey> all() {
        return db.read(c -> {
            List<StoredKey> keys = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT kid, alg, public_jwk, sealed_private_jwk,"
                    + " created_at_ms, activates_at_ms, purpose FROM signing_keys ORDER BY activates_at_ms, created_at_ms");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(new StoredKey(rs.getString("kid"), rs.getString("alg"), rs.getString("public_jwk"),
                            rs.getBytes("sealed_private_jwk"), Instant.ofEpochMilli(rs.getLong("created_at_ms")),
                            Instant.ofEpochMilli(rs.getLong("activates_at_ms")), rs.getString("purpose")));
                }
            }
            return keys;
        });
    }

    @Override
    public int deleteAll(Instant now) {
        return db.write(c -> {
            int deleted;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM signing_keys")) {
                deleted = ps.executeUpdate();
            }
            changes.append(c, Change.Kind.KEYS_CHANGED, "", now.plus(Duration.ofDays(1)));
            return deleted;
        });
    }

    @Override
    public void insert(StoredKey key, Instant now) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO signing_keys (kid, alg, public_jwk,"
                    + " sealed_private_jwk, created_at_ms, activates_at_ms, purpose) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, key.kid());
                ps.setString(2, key.algorithm());
                ps.setString(3, key.publicJwk());
                ps.setBytes(4, key.sealedPrivateJwk());
                ps.setLong(5, key.createdAt().toEpochMilli());
                ps.setLong(6, key.activatesAt().toEpochMilli());
                ps.setString(7, key.purpose());
                ps.executeUpdate();
            }
            changes.append(c, Change.Kind.KEYS_CHANGED, "", now.plus(Duration.ofDays(1)));
            return null;
        });
    }
}
