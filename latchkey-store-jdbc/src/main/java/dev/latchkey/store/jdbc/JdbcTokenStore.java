package dev.latchkey.store.jdbc;

import static dev.latchkey.store.jdbc.JdbcSupport.joinUris;
import static dev.latchkey.store.jdbc.JdbcSupport.scope;
import static dev.latchkey.store.jdbc.JdbcSupport.seconds;
import static dev.latchkey.store.jdbc.JdbcSupport.setSeconds;

import dev.latchkey.core.store.Change;
import dev.latchkey.core.store.OpaqueAccessTokenRecord;
import dev.latchkey.core.store.RefreshTokenRecord;
import dev.latchkey.core.store.Rotation;
import dev.latchkey.core.store.TokenStore;
import dev.latchkey.core.token.TokenHash;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The {@code access_tokens} and {@code refresh_tokens} tables. */
final class JdbcTokenStore implements TokenStore {

    private static final String ACCESS_COLUMNS =
            "token_hash, client_id, subject, scope, audience, jti, family_id, issued_at, expires_at, revoked";
    private static final String REFRESH_COLUMNS = "token_hash, family_id, client_id, scope, resources, issued_at,"
            + " expires_at, state, rotated_at, successor_hash, sealed_successor, grace_until";

    private final Transactor db;
    private final JdbcChangeLog changes;
    private final String skipLocked;
    private final BatchedLookup<OpaqueAccessTokenRecord> accessLookups;

    JdbcTokenStore(Transactor db, JdbcChangeLog changes, Dialect dialect) {
        this.db = db;
        this.changes = changes;
        // On PostgreSQL concurrent lookups of access tokens (introspection) share one query; an
        // embedded SQLite read costs no round trip, and the SQLite store has its cache in front.
        this.accessLookups = dialect == Dialect.POSTGRESQL
                ? new BatchedLookup<>("access-lookup", db, JdbcTokenStore::findAccessTokens, 2) : null;
        // Purges may run on every node at once. On PostgreSQL each takes only rows no other purge
        // has locked, so two purges never wait on, or deadlock with, each other; SQLite has one
        // writer at a time and needs nothing.
        this.skipLocked = dialect == Dialect.POSTGRESQL ? " FOR UPDATE SKIP LOCKED" : "";
    }

    @Override
    public CompletableFuture<Void> saveAccessTokenAsync(OpaqueAccessTokenRecord token) {
        return db.writeAsync(c -> {
            insertAccess(c, token);
            return null;
        });
    }

    @Override
    public Optional<OpaqueAccessTokenRecord> findAccessToken(TokenHash hash) {
        if (accessLookups != null) {
            return accessLookups.find(hash.value());
        }
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + ACCESS_COLUMNS + " FROM access_tokens WHERE token_hash = ?")) {
                ps.setString(1, hash.value());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(access(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public CompletableFuture<Optional<OpaqueAccessTokenRecord>> findAccessTokenAsync(TokenHash hash) {
        if (accessLookups != null) {
            return accessLookups.findAsync(hash.value());
        }
        return TokenStore.super.findAccessTokenAsync(hash);
    }

    /** PostgreSQL only: the access tokens among {@code hashes}, by hash, in one indexed query. */
    private static Map<String, OpaqueAccessTokenRecord> findAccessTokens(Connection c, List<String> hashes)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + ACCESS_COLUMNS + " FROM access_tokens WHERE token_hash = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("text", hashes.toArray()));
            Map<String, OpaqueAccessTokenRecord> found = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    OpaqueAccessTokenRecord token = access(rs);
                    found.put(token.hash().value(), token);
                }
            }
            return found;
        }
    }

    void close() {
        if (accessLookups != null) {
            accessLookups.close();
        }
    }

    @Override
    public CompletableFuture<Void> saveRefreshTokenAsync(RefreshTokenRecord token,
            OpaqueAccessTokenRecord accessToken) {
        return db.writeAsync(c -> {
            insertRefresh(c, token);
            if (accessToken != null) {
                insertAccess(c, accessToken);
            }
            return null;
        });
    }

    @Override
    public Optional<RefreshTokenRecord> findRefreshToken(TokenHash hash) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + REFRESH_COLUMNS + " FROM refresh_tokens WHERE token_hash = ?")) {
                ps.setString(1, hash.value());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(refresh(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public CompletableFuture<Boolean> rotateAsync(Rotation rotation) {
        return db.writeAsync(c -> {
            // The compare-and-set: one statement that only an active, unexpired token passes.
            try (PreparedStatement ps = c.prepareStatement("UPDATE refresh_tokens SET state = 1, rotated_at = ?,"
                    + " successor_hash = ?, sealed_successor = ?, grace_until = ?"
                    + " WHERE token_hash = ? AND state = 0 AND expires_at > ?")) {
                setSeconds(ps, 1, rotation.now());
                ps.setString(2, rotation.successor().hash().value());
                ps.setBytes(3, rotation.sealedSuccessor());
                setSeconds(ps, 4, rotation.graceUntil());
                ps.setString(5, rotation.oldHash().value());
                setSeconds(ps, 6, rotation.now());
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            insertRefresh(c, rotation.successor());
            if (rotation.accessToken() != null) {
                insertAccess(c, rotation.accessToken());
            }
            return true;
        });
    }

    @Override
    public void revokeFamily(String familyId, Instant rememberUntil) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE refresh_tokens SET state = 2,"
                    + " sealed_successor = NULL WHERE family_id = ? AND state <> 2")) {
                ps.setString(1, familyId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE access_tokens SET revoked = 1 WHERE family_id = ? AND revoked = 0")) {
                ps.setString(1, familyId);
                ps.executeUpdate();
            }
            changes.append(c, Change.Kind.FAMILY_REVOKED, familyId, rememberUntil);
            return null;
        });
    }

    @Override
    public boolean revokeAccessToken(TokenHash hash) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE access_tokens SET revoked = 1 WHERE token_hash = ?")) {
                ps.setString(1, hash.value());
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public void revokeJwt(String jti, Instant expiresAt) {
        db.write(c -> {
            changes.append(c, Change.Kind.JTI_REVOKED, jti, expiresAt);
            return null;
        });
    }

    @Override
    public int purgeExpired(Instant now, int batchSize) {
        long cutoff = now.getEpochSecond();
        int touched = 0;
        touched += batch("DELETE FROM access_tokens WHERE token_hash IN (SELECT token_hash FROM access_tokens"
                + " WHERE expires_at <= ? LIMIT ?" + skipLocked + ")", cutoff, batchSize);
        touched += batch("DELETE FROM refresh_tokens WHERE token_hash IN (SELECT token_hash FROM refresh_tokens"
                + " WHERE expires_at <= ? LIMIT ?" + skipLocked + ")", cutoff, batchSize);
        touched += batch("UPDATE refresh_tokens SET sealed_successor = NULL WHERE token_hash IN (SELECT token_hash"
                + " FROM refresh_tokens WHERE sealed_successor IS NOT NULL AND grace_until <= ? LIMIT ?"
                + skipLocked + ")", cutoff, batchSize);
        touched += batch("DELETE FROM changes WHERE seq IN (SELECT seq FROM changes WHERE expires_at <= ? LIMIT ?"
                + skipLocked + ")", cutoff, batchSize);
        return touched;
    }

    // Each purge statement is its own short transaction, so it never holds locks for long.
    private int batch(String sql, long cutoff, int limit) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, cutoff);
                ps.setInt(2, limit);
                return ps.executeUpdate();
            }
        });
    }

    private static void insertAccess(Connection c, OpaqueAccessTokenRecord token) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO access_tokens (" + ACCESS_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, token.hash().value());
            ps.setString(2, token.clientId());
            ps.setString(3, token.subject());
            ps.setString(4, token.scope().toString());
            ps.setString(5, String.join(" ", token.audience()));
            ps.setString(6, token.jti());
            ps.setString(7, token.familyId());
            setSeconds(ps, 8, token.issuedAt());
            setSeconds(ps, 9, token.expiresAt());
            ps.setInt(10, token.revoked() ? 1 : 0);
            StatementCache.insert(c, ps); // sent with the rest of its group commit
        }
    }

    private static void insertRefresh(Connection c, RefreshTokenRecord token) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO refresh_tokens (" + REFRESH_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, token.hash().value());
            ps.setString(2, token.familyId());
            ps.setString(3, token.clientId());
            ps.setString(4, token.scope().toString());
            ps.setString(5, joinUris(token.resources()));
            setSeconds(ps, 6, token.issuedAt());
            setSeconds(ps, 7, token.expiresAt());
            ps.setInt(8, token.state().code());
            setSeconds(ps, 9, token.rotatedAt());
            ps.setString(10, token.successorHash() == null ? null : token.successorHash().value());
            ps.setBytes(11, token.sealedSuccessor());
            setSeconds(ps, 12, token.graceUntil());
            StatementCache.insert(c, ps); // sent with the rest of its group commit
        }
    }

    private static OpaqueAccessTokenRecord access(ResultSet rs) throws SQLException {
        return new OpaqueAccessTokenRecord(new TokenHash(rs.getString("token_hash")), rs.getString("client_id"),
                rs.getString("subject"), scope(rs.getString("scope")), JdbcSupport.words(rs.getString("audience")),
                rs.getString("jti"), rs.getString("family_id"), seconds(rs, "issued_at"), seconds(rs, "expires_at"),
                rs.getInt("revoked") != 0);
    }

    private static RefreshTokenRecord refresh(ResultSet rs) throws SQLException {
        String successor = rs.getString("successor_hash");
        return new RefreshTokenRecord(new TokenHash(rs.getString("token_hash")), rs.getString("family_id"),
                rs.getString("client_id"), scope(rs.getString("scope")), JdbcSupport.uris(rs.getString("resources")),
                seconds(rs, "issued_at"), seconds(rs, "expires_at"),
                RefreshTokenRecord.State.ofCode(rs.getInt("state")), seconds(rs, "rotated_at"),
                successor == null ? null : new TokenHash(successor), rs.getBytes("sealed_successor"),
                seconds(rs, "grace_until"));
    }
}
