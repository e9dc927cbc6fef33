package dev.latchkey.store.jdbc;

import static dev.latchkey.store.jdbc.JdbcSupport.joinUris;
import static dev.latchkey.store.jdbc.JdbcSupport.scope;
import static dev.latchkey.store.jdbc.JdbcSupport.seconds;
import static dev.latchkey.store.jdbc.JdbcSupport.setSeconds;

import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.store.Cursor;
import dev.latchkey.core.store.Page;
import dev.latchkey.core.store.TokenStore;
import dev.latchkey.core.store.record.FamilySummary;
import dev.latchkey.core.store.record.Change;
import dev.latchkey.core.store.record.OpaqueAccessTokenRecord;
import dev.latchkey.core.store.record.Redemption;
import dev.latchkey.core.store.record.RefreshTokenRecord;
import dev.latchkey.core.store.record.Rotation;
import dev.latchkey.core.store.record.StoredRefreshToken;
import dev.latchkey.core.store.record.TokenFamily;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.latchkey.core.secret.Confirmation;
import java.util.concurrent.CompletableFuture;

/** The {@code access_tokens} and {@code refresh_tokens} tables. */
final class JdbcTokenStore implements CachingTokenStore.Delegate {

    private static final String ACCESS_COLUMNS =
            "token_hash, client_id, subject, scope, audience, jti, family_id, issued_at, expires_at, revoked, cnf, act";
    private static final String REFRESH_COLUMNS = "token_hash, family_id, client_id, scope, resources, issued_at,"
            + " expires_at, access_expires_at, family_expires_at, state, rotated_at, successor_hash, sealed_successor,"
            + " grace_until, subject, cnf";

    private static final String FAMILY_COLUMNS = "family_id, client_id, created_at, expires_at, revoked, subject";
    // A revoked family's JWTs are remembered until the last access token it issued expires; tokens
    // issued before that was recorded count a year (more than any access token lifetime).
    private static final long UNRECORDED_ACCESS_SECONDS = 365L * 24 * 3600;
    // A redeemed authorization code is kept a day past its expiry, so a replay within it still
    // finds what the code issued and revokes it (RFC 6749 §4.1.2).
    private static final long CODE_REMEMBERED_SECONDS = 24L * 3600;

    private final Transactor db;
    private final JdbcChangeLog changes;
    private final JdbcAuditStore audit;
    private final Dialect dialect;
    private final String skipLocked;
    private final BatchedLookup<OpaqueAccessTokenRecord> accessLookups;
    private final BatchedLookup<StoredRefreshToken> refreshLookups;

    JdbcTokenStore(Transactor db, JdbcChangeLog changes, JdbcAuditStore audit, Dialect dialect) {
        this.audit = audit;
        this.db = db;
        this.changes = changes;
        this.dialect = dialect;
        // On PostgreSQL concurrent lookups of access tokens (introspection) share one query; an
        // embedded SQLite read costs no round trip, and the SQLite store has its cache in front.
        this.accessLookups = dialect == Dialect.POSTGRESQL
                ? new BatchedLookup<>("access-lookup", db, JdbcTokenStore::findAccessTokens, 2) : null;
        this.refreshLookups = dialect == Dialect.POSTGRESQL
                ? new BatchedLookup<>("refresh-lookup", db, JdbcTokenStore::findRefreshTokens, 2) : null;
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
    public void saveAccessToken(OpaqueAccessTokenRecord token) {
        Futures.join(saveAccessTokenAsync(token));
    }

    @Override
    public CompletableFuture<Optional<OpaqueAccessTokenRecord>> findAccessTokenAsync(TokenHash hash) {
        if (accessLookups != null) {
            return accessLookups.findAsync(hash.value());
        }
        return completedOrFailed(() -> findAccessToken(hash));
    }

    // The embedded store reads on the calling thread: a read costs microseconds, no round trip.
    private static <T> CompletableFuture<T> completedOrFailed(java.util.function.Supplier<T> read) {
        try {
            return CompletableFuture.completedFuture(read.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
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

    /** PostgreSQL only: the refresh tokens among {@code hashes} with their families, in one indexed query. */
    private static Map<String, StoredRefreshToken> findRefreshTokens(Connection c, List<String> hashes)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + REFRESH_COLUMNS + " FROM refresh_tokens WHERE token_hash = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("text", hashes.toArray()));
            Map<String, StoredRefreshToken> found = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    StoredRefreshToken token = StoredRefreshToken.of(refresh(rs));
                    found.put(token.token().hash().value(), token);
                }
            }
            return found;
        }
    }

    void close() {
        if (accessLookups != null) {
            accessLookups.close();
            refreshLookups.close();
        }
    }

    @Override
    public CompletableFuture<Void> saveRefreshTokenAsync(TokenFamily family, RefreshTokenRecord token,
            OpaqueAccessTokenRecord accessToken) {
        return db.writeAsync(c -> {
            insertFamily(c, family);
            if (token != null) {
                insertRefresh(c, token);
            }
            if (accessToken != null) {
                insertAccess(c, accessToken);
            }
            return null;
        });
    }

    @Override
    public void saveRefreshToken(TokenFamily family, RefreshTokenRecord token, OpaqueAccessTokenRecord accessToken) {
        Futures.join(saveRefreshTokenAsync(family, token, accessToken));
    }

    /**
     * On PostgreSQL concurrent lookups share one query and no caller waits meanwhile (the future
     * completes on the lookup's thread); SQLite reads on the calling thread.
     */
    @Override
    public CompletableFuture<Optional<StoredRefreshToken>> findRefreshTokenAsync(TokenHash hash) {
        if (refreshLookups != null) {
            return refreshLookups.findAsync(hash.value());
        }
        return completedOrFailed(() -> findRefreshToken(hash));
    }

    @Override
    public Optional<StoredRefreshToken> findRefreshToken(TokenHash hash) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + REFRESH_COLUMNS + " FROM refresh_tokens WHERE token_hash = ?")) {
                ps.setString(1, hash.value());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(StoredRefreshToken.of(refresh(rs))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public boolean rotate(Rotation rotation) {
        return Futures.join(rotateAsync(rotation));
    }

    /**
     * The compare-and-set: the token goes from active to rotated in one conditional UPDATE, then its
     * successor is written. {@link #revokeFamily} marks the family revoked first, then every token
     * of it, so the two must serialize. On PostgreSQL the rotation holds a share lock on the family's
     * row while it writes, and only while the family is not revoked (FOR SHARE: it conflicts with
     * the revocation's update, not with other rotations, and writes no new row version): a
     * revocation waits for the rotation to commit and then revokes its successor too (under READ
     * COMMITTED each of its later statements sees what the rotation committed); a rotation that
     * waited for a revocation finds the family revoked and writes nothing. One statement, one round
     * trip. SQLite has one writer, across processes too: every transaction sees all that committed
     * before it, and a revocation flips every token of the family in one transaction, so an active
     * token always belongs to a family that is not revoked and the plain compare-and-set suffices.
     * The family's row is never written here (BENCHMARKS.md, "Token families without a write per
     * rotation").
     */
    @Override
    public CompletableFuture<Boolean> rotateAsync(Rotation rotation) {
        return db.writeAsync(c -> {
            String sql = "UPDATE refresh_tokens SET state = 1, rotated_at = ?, successor_hash = ?,"
                    + " sealed_successor = ?, grace_until = ? WHERE token_hash = ? AND state = 0 AND expires_at > ?";
            if (dialect == Dialect.POSTGRESQL) {
                sql = "WITH family AS (SELECT 1 FROM token_families WHERE family_id = ? AND revoked = 0 FOR SHARE) "
                        + sql + " AND EXISTS (SELECT 1 FROM family)";
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int first = 1;
                if (dialect == Dialect.POSTGRESQL) {
                    ps.setString(first++, rotation.successor().familyId());
                }
                setCompareAndSet(ps, first, rotation);
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

    /** Binds the compare-and-set's six parameters from {@code first}; returns the next index. */
    private static int setCompareAndSet(PreparedStatement ps, int first, Rotation rotation) throws SQLException {
        setSeconds(ps, first, rotation.now());
        ps.setString(first + 1, rotation.successor().hash().value());
        ps.setBytes(first + 2, rotation.sealedSuccessor());
        setSeconds(ps, first + 3, rotation.graceUntil());
        ps.setString(first + 4, rotation.oldHash().value());
        setSeconds(ps, first + 5, rotation.now());
        return first + 6;
    }

    /**
     * Updates the family's row first (see {@link #rotateAsync}: this waits for rotations in flight,
     * and makes later ones find the family revoked), then revokes every token of it. A family
     * revoked already is left alone: nothing is written, no change is appended again.
     */
    @Override
    public Optional<Instant> revokeFamily(String familyId, Instant rememberAtLeastUntil) {
        return revokeFamily(familyId, rememberAtLeastUntil, null);
    }

    @Override
    public Optional<Instant> revokeFamily(String familyId, Instant rememberAtLeastUntil, AuditEvent event) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE token_families SET revoked = 1 WHERE family_id = ? AND revoked = 0")) {
                ps.setString(1, familyId);
                if (ps.executeUpdate() == 0) {
                    return Optional.<Instant>empty(); // revoked already, or never issued here
                }
            }
            Instant rememberUntil = rememberAtLeastUntil;
            try (PreparedStatement ps = c.prepareStatement("SELECT MAX(COALESCE(access_expires_at, issued_at + "
                    + UNRECORDED_ACCESS_SECONDS + ")) FROM refresh_tokens WHERE family_id = ?")) {
                ps.setString(1, familyId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getLong(1) > rememberUntil.getEpochSecond()) {
                        rememberUntil = Instant.ofEpochSecond(rs.getLong(1));
                    }
                }
            }
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
            if (event != null) {
                audit.append(c, event);
            }
            return Optional.of(rememberUntil);
        });
    }

    /**
     * Families first (as {@link #revokeFamily}: rotations in flight finish or find them revoked),
     * then every token, then the change that revokes the client's JWTs on every node.
     */
    @Override
    public void revokeClientTokens(String clientId, Instant now, Instant rememberUntil, AuditEvent event) {
        db.write(c -> {
            revokeAllOf(c, clientId);
            changes.append(c, Change.Kind.CLIENT_TOKENS_REVOKED, Change.clientTokensRef(clientId, now),
                    rememberUntil);
            if (event != null) {
                audit.append(c, event);
            }
            return null;
        });
    }

    /** Revokes every family, refresh token and opaque access token of a client (deletion, revoke-all). */
    static void revokeAllOf(Connection c, String clientId) throws SQLException {
        for (String sql : new String[] {
                "UPDATE token_families SET revoked = 1 WHERE client_id = ? AND revoked = 0",
                "UPDATE refresh_tokens SET state = 2, sealed_successor = NULL WHERE client_id = ? AND state <> 2",
                "UPDATE access_tokens SET revoked = 1 WHERE client_id = ? AND revoked = 0"}) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, clientId);
                ps.executeUpdate();
            }
        }
    }

    /**
     * A family's last use is when its active refresh token was issued (each rotation issues one).
     * Keyset pagination on (created_at, family_id), newest first.
     */
    @Override
    public Page<FamilySummary> families(String clientId, Instant now, Cursor after, int limit) {
        return db.read(c -> {
            // The families are walked in the order of token_families_listing and stop at the page's
            // end; each one's live tokens are looked up by family (a join grouped over all of a
            // client's families took 430 ms for one with 50,000: BENCHMARKS.md, "Dashboard at scale").
            String live = " FROM refresh_tokens r WHERE r.family_id = f.family_id AND r.state = 0 AND r.expires_at > ?";
            String sql = "SELECT f.family_id, f.created_at, (SELECT MAX(r.issued_at)" + live + "), f.expires_at"
                    + " FROM token_families f WHERE f.client_id = ? AND f.revoked = 0"
                    + (after == null ? "" : " AND (f.created_at < ? OR (f.created_at = ? AND f.family_id < ?))")
                    + " AND EXISTS (SELECT 1" + live + ")"
                    + " ORDER BY f.created_at DESC, f.family_id DESC LIMIT ?";
            List<FamilySummary> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                ps.setLong(i++, now.getEpochSecond());
                ps.setString(i++, clientId);
                if (after != null) {
                    ps.setLong(i++, after.time());
                    ps.setLong(i++, after.time());
                    ps.setString(i++, after.id());
                }
                ps.setLong(i++, now.getEpochSecond());
                ps.setInt(i, limit + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new FamilySummary(rs.getString(1), clientId, seconds(rs, 2), seconds(rs, 3),
                                seconds(rs, 4)));
                    }
                }
            }
            if (rows.size() <= limit) {
                return new Page<>(rows, null);
            }
            List<FamilySummary> page = rows.subList(0, limit);
            FamilySummary last = page.get(limit - 1);
            return new Page<>(page, new Cursor(last.createdAt().getEpochSecond(), last.familyId()).encode());
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
    public boolean revokeJwt(String jti, Instant expiresAt) {
        return db.write(c -> {
            if (changes.contains(c, Change.Kind.JTI_REVOKED, jti)) {
                return false;
            }
            changes.append(c, Change.Kind.JTI_REVOKED, jti, expiresAt);
            return true;
        });
    }

    /**
     * The compare-and-set on the code first (one conditional UPDATE), then, only if it won, the
     * family and its first tokens: one transaction, one group commit.
     */
    @Override
    public CompletableFuture<Boolean> redeemAsync(Redemption redemption) {
        return db.writeAsync(c -> {
            boolean code = redemption.kind() == Redemption.Kind.AUTHORIZATION_CODE;
            try (PreparedStatement ps = c.prepareStatement(code
                    ? "UPDATE authorization_codes SET redeemed_at = ?, family_id = ? WHERE code_hash = ?"
                            + " AND redeemed_at IS NULL"
                    : "UPDATE device_codes SET status = 'redeemed', family_id = ? WHERE device_hash = ?"
                            + " AND status = 'approved'")) {
                int i = 1;
                if (code) {
                    setSeconds(ps, i++, redemption.now());
                }
                ps.setString(i++, redemption.family().familyId());
                ps.setString(i, redemption.grant().value());
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            insertFamily(c, redemption.family());
            if (redemption.token() != null) {
                insertRefresh(c, redemption.token());
            }
            if (redemption.access() != null) {
                insertAccess(c, redemption.access());
            }
            return true;
        });
    }

    @Override
    public boolean redeem(Redemption redemption) {
        return Futures.join(redeemAsync(redemption));
    }

    @Override
    public Map<String, UserGrant> userGrants(String subject) {
        return db.read(c -> {
            Map<String, UserGrant> grants = new java.util.TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT f.client_id, f.family_id, COALESCE((SELECT"
                    + " MAX(r.issued_at) FROM refresh_tokens r WHERE r.family_id = f.family_id), f.created_at)"
                    + " FROM token_families f WHERE f.subject = ? AND f.revoked = 0")) {
                ps.setString(1, subject);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        UserGrant before = grants.get(rs.getString(1));
                        List<String> ids = new java.util.ArrayList<>(before == null ? List.of() : before.familyIds());
                        ids.add(rs.getString(2));
                        Instant last = Instant.ofEpochSecond(rs.getLong(3));
                        grants.put(rs.getString(1), new UserGrant(ids, before == null
                                || last.isAfter(before.lastUsedAt()) ? last : before.lastUsedAt()));
                    }
                }
            }
            return grants;
        });
    }

    @Override
    public int purgeExpired(Instant now, int batchSize) {
        long cutoff = now.getEpochSecond();
        int touched = 0;
        touched += batch("DELETE FROM access_tokens WHERE token_hash IN (SELECT token_hash FROM access_tokens"
                + " WHERE expires_at <= ? LIMIT ?" + skipLocked + ")", cutoff, batchSize);
        touched += purgeRefreshTokens(cutoff, batchSize);
        // Families that never had a refresh token (an authorization code's access tokens) end with them.
        touched += batch("DELETE FROM token_families WHERE family_id IN (SELECT family_id FROM token_families"
                + " WHERE expires_at <= ? AND NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.family_id ="
                + " token_families.family_id) LIMIT ?" + skipLocked + ")", cutoff, batchSize);
        touched += batch("DELETE FROM authorization_codes WHERE code_hash IN (SELECT code_hash FROM authorization_codes"
                + " WHERE expires_at <= ? LIMIT ?" + skipLocked + ")", cutoff - CODE_REMEMBERED_SECONDS, batchSize);
        touched += batch("DELETE FROM pushed_requests WHERE uri_hash IN (SELECT uri_hash FROM pushed_requests"
                + " WHERE expires_at <= ? LIMIT ?" + skipLocked + ")", cutoff, batchSize);
        touched += batch("DELETE FROM device_codes WHERE device_hash IN (SELECT device_hash FROM device_codes"
                + " WHERE expires_at <= ? LIMIT ?" + skipLocked + ")", cutoff - CODE_REMEMBERED_SECONDS, batchSize);
        touched += batch("UPDATE refresh_tokens SET sealed_successor = NULL WHERE token_hash IN (SELECT token_hash"
                + " FROM refresh_tokens WHERE sealed_successor IS NOT NULL AND grace_until <= ? LIMIT ?"
                + skipLocked + ")", cutoff, batchSize);
        touched += batch("DELETE FROM changes WHERE seq IN (SELECT seq FROM changes WHERE expires_at <= ? LIMIT ?"
                + skipLocked + ")", cutoff, batchSize);
        return touched;
    }

    /**
     * Deletes a batch of expired refresh tokens, and the families of theirs that have no token left:
     * a family goes with its last refresh token (nothing can use or revoke it after that).
     */
    private int purgeRefreshTokens(long cutoff, int limit) {
        return db.write(c -> {
            List<String> families = new java.util.ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM refresh_tokens WHERE token_hash IN"
                    + " (SELECT token_hash FROM refresh_tokens WHERE expires_at <= ? LIMIT ?" + skipLocked + ")"
                    + " RETURNING family_id")) {
                ps.setLong(1, cutoff);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        families.add(rs.getString(1));
                    }
                }
            }
            for (String family : new java.util.LinkedHashSet<>(families)) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM token_families WHERE family_id = ?"
                        + " AND NOT EXISTS (SELECT 1 FROM refresh_tokens WHERE family_id = ?)")) {
                    ps.setString(1, family);
                    ps.setString(2, family);
                    ps.executeUpdate();
                }
            }
            return families.size();
        });
    }

    // Each purge statement is its own short transaction, so it never holds locks for long. Every
    // parameter but the last (the batch size) is the cutoff.
    private int batch(String sql, long cutoff, int limit) {
        int parameters = (int) sql.chars().filter(ch -> ch == '?').count();
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 1; i < parameters; i++) {
                    ps.setLong(i, cutoff);
                }
                ps.setInt(parameters, limit);
                return ps.executeUpdate();
            }
        });
    }

    private static void insertAccess(Connection c, OpaqueAccessTokenRecord token) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO access_tokens (" + ACCESS_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
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
            ps.setString(11, token.confirmation() == null ? null : token.confirmation().toColumn());
            ps.setString(12, token.actColumn());
            StatementCache.insert(c, ps); // sent with the rest of its group commit
        }
    }

    private static void insertFamily(Connection c, TokenFamily family) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO token_families (" + FAMILY_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, family.familyId());
            ps.setString(2, family.clientId());
            setSeconds(ps, 3, family.createdAt());
            setSeconds(ps, 4, family.expiresAt());
            ps.setInt(5, family.revoked() ? 1 : 0);
            ps.setString(6, family.subject());
            StatementCache.insert(c, ps); // sent with the rest of its group commit
        }
    }

    private static void insertRefresh(Connection c, RefreshTokenRecord token) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO refresh_tokens (" + REFRESH_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, token.hash().value());
            ps.setString(2, token.familyId());
            ps.setString(3, token.clientId());
            ps.setString(4, token.scope().toString());
            ps.setString(5, joinUris(token.resources()));
            setSeconds(ps, 6, token.issuedAt());
            setSeconds(ps, 7, token.expiresAt());
            setSeconds(ps, 8, token.accessExpiresAt());
            setSeconds(ps, 9, token.familyExpiresAt());
            ps.setInt(10, token.state().code());
            setSeconds(ps, 11, token.rotatedAt());
            ps.setString(12, token.successorHash() == null ? null : token.successorHash().value());
            ps.setBytes(13, token.sealedSuccessor());
            setSeconds(ps, 14, token.graceUntil());
            ps.setString(15, token.subject());
            ps.setString(16, token.confirmation() == null ? null : token.confirmation().toColumn());
            StatementCache.insert(c, ps); // sent with the rest of its group commit
        }
    }

    private static OpaqueAccessTokenRecord access(ResultSet rs) throws SQLException {
        return new OpaqueAccessTokenRecord(new TokenHash(rs.getString("token_hash")), rs.getString("client_id"),
                rs.getString("subject"), scope(rs.getString("scope")), JdbcSupport.words(rs.getString("audience")),
                rs.getString("jti"), rs.getString("family_id"), seconds(rs, "issued_at"), seconds(rs, "expires_at"),
                rs.getInt("revoked") != 0, Confirmation.fromColumn(rs.getString("cnf")),
                OpaqueAccessTokenRecord.actFromColumn(rs.getString("act")));
    }

    /** A row of {@code SELECT REFRESH_COLUMNS}, read by position (by name costs a search per column). */
    private static RefreshTokenRecord refresh(ResultSet rs) throws SQLException {
        String successor = rs.getString(12);
        return new RefreshTokenRecord(new TokenHash(rs.getString(1)), rs.getString(2), rs.getString(3),
                scope(rs.getString(4)), JdbcSupport.uris(rs.getString(5)), seconds(rs, 6), seconds(rs, 7),
                seconds(rs, 8), seconds(rs, 9), RefreshTokenRecord.State.ofCode(rs.getInt(10)), seconds(rs, 11),
                successor == null ? null : new TokenHash(successor), rs.getBytes(13), seconds(rs, 14), rs.getString(15),
                Confirmation.fromColumn(rs.getString(16)));
    }
}
