package dev.latchkey.store.jdbc;

import static dev.latchkey.store.jdbc.JdbcSupport.seconds;
import static dev.latchkey.store.jdbc.JdbcSupport.setSeconds;

import dev.latchkey.core.store.record.AuthorizationCode;
import dev.latchkey.core.store.record.Consent;
import dev.latchkey.core.store.record.DeviceAuthorization;
import dev.latchkey.core.store.record.PushedRequest;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.AuthorizationStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code authorization_codes} and {@code consents} tables (V5). Expired codes are purged with the tokens. */
final class JdbcAuthorizationStore implements AuthorizationStore {

    private static final String CODE_COLUMNS = "code_hash, client_id, account_id, redirect_uri, code_challenge, scope,"
            + " resources, nonce, auth_time, issued_at, expires_at, redeemed_at, family_id, dpop_jkt";

    private static final String DEVICE_COLUMNS = "device_hash, user_code, client_id, scope, issued_at, expires_at,"
            + " interval_seconds, last_poll_at, status, account_id, auth_time, family_id";

    private final Transactor db;

    JdbcAuthorizationStore(Transactor db) {
        this.db = db;
    }

    @Override
    public void saveCode(AuthorizationCode code) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO authorization_codes (" + CODE_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, code.hash().value());
                ps.setString(2, code.clientId());
                ps.setString(3, code.accountId());
                ps.setString(4, code.redirectUri());
                ps.setString(5, code.codeChallenge());
                ps.setString(6, code.scope().toString());
                ps.setString(7, JdbcSupport.joinUris(code.resources()));
                ps.setString(8, code.nonce());
                setSeconds(ps, 9, code.authTime());
                setSeconds(ps, 10, code.issuedAt());
                setSeconds(ps, 11, code.expiresAt());
                setSeconds(ps, 12, code.redeemedAt());
                ps.setString(13, code.familyId());
                ps.setString(14, code.dpopJkt());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<AuthorizationCode> findCode(TokenHash hash) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + CODE_COLUMNS
                    + " FROM authorization_codes WHERE code_hash = ?")) {
                ps.setString(1, hash.value());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new AuthorizationCode(new TokenHash(rs.getString(1)), rs.getString(2),
                            rs.getString(3), rs.getString(4), rs.getString(5), scope(rs.getString(6)),
                            JdbcSupport.uris(rs.getString(7)), rs.getString(8), seconds(rs, 9), seconds(rs, 10),
                            seconds(rs, 11), seconds(rs, 12), rs.getString(13), rs.getString(14)));
                }
            }
        });
    }

    @Override
    public Optional<Consent> consent(String accountId, String clientId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT account_id, client_id, scope, granted_at"
                    + " FROM consents WHERE account_id = ? AND client_id = ?")) {
                ps.setString(1, accountId);
                ps.setString(2, clientId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(consent(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void saveConsent(Consent consent) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM consents WHERE account_id = ? AND client_id = ?")) {
                ps.setString(1, consent.accountId());
                ps.setString(2, consent.clientId());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO consents (account_id, client_id, scope,"
                    + " granted_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, consent.accountId());
                ps.setString(2, consent.clientId());
                ps.setString(3, consent.scope().toString());
                setSeconds(ps, 4, consent.grantedAt());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<Consent> consents(String accountId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT account_id, client_id, scope, granted_at"
                    + " FROM consents WHERE account_id = ? ORDER BY granted_at DESC, client_id")) {
                ps.setString(1, accountId);
                List<Consent> consents = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        consents.add(consent(rs));
                    }
                }
                return consents;
            }
        });
    }

    @Override
    public boolean deleteConsent(String accountId, String clientId) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM consents WHERE account_id = ? AND client_id = ?")) {
                ps.setString(1, accountId);
                ps.setString(2, clientId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void savePushed(PushedRequest request) {
        update("INSERT INTO pushed_requests (uri_hash, client_id, parameters, expires_at, used_at) VALUES (?, ?, ?, ?, ?)",
                request.hash().value(), request.clientId(), request.parameters(), request.expiresAt(), request.usedAt());
    }

    @Override
    public Optional<PushedRequest> findPushed(TokenHash hash) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT uri_hash, client_id, parameters, expires_at, used_at"
                    + " FROM pushed_requests WHERE uri_hash = ?")) {
                ps.setString(1, hash.value());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new PushedRequest(new TokenHash(rs.getString(1)), rs.getString(2),
                            rs.getString(3), seconds(rs, 4), seconds(rs, 5))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public boolean usePushed(TokenHash hash, Instant now) {
        return update("UPDATE pushed_requests SET used_at = ? WHERE uri_hash = ? AND used_at IS NULL", now,
                hash.value()) == 1;
    }

    @Override
    public void saveDevice(DeviceAuthorization d) {
        update("INSERT INTO device_codes (" + DEVICE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                d.hash().value(), d.userCode(), d.clientId(), d.scope().toString(), d.issuedAt(), d.expiresAt(),
                d.interval(), d.lastPollAt(), d.status().wireName(), d.accountId(), d.authTime(), d.familyId());
    }

    @Override
    public Optional<DeviceAuthorization> findDevice(TokenHash hash) {
        return device("device_hash = ?", hash.value());
    }

    @Override
    public Optional<DeviceAuthorization> findDeviceByUserCode(String userCode) {
        return device("user_code = ?", userCode);
    }

    /** The compare-and-set: pending and unexpired to approved or denied, in one conditional UPDATE. */
    @Override
    public boolean decideDevice(String userCode, DeviceAuthorization.Status status, String accountId, Instant authTime,
            Instant now) {
        return update("UPDATE device_codes SET status = ?, account_id = ?, auth_time = ? WHERE user_code = ?"
                + " AND status = 'pending' AND expires_at > ?", status.wireName(), accountId, authTime, userCode,
                now) == 1;
    }

    @Override
    public void pollDevice(TokenHash hash, Instant now, int interval) {
        update("UPDATE device_codes SET last_poll_at = ?, interval_seconds = ? WHERE device_hash = ?", now, interval,
                hash.value());
    }

    private Optional<DeviceAuthorization> device(String where, String value) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + DEVICE_COLUMNS + " FROM device_codes WHERE "
                    + where)) {
                ps.setString(1, value);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new DeviceAuthorization(new TokenHash(rs.getString(1)), rs.getString(2),
                            rs.getString(3), scope(rs.getString(4)), seconds(rs, 5), seconds(rs, 6), rs.getInt(7),
                            seconds(rs, 8), DeviceAuthorization.Status.of(rs.getString(9)), rs.getString(10),
                            seconds(rs, 11), rs.getString(12)));
                }
            }
        });
    }

    /** One statement in its own transaction: strings, ints and instants (as epoch seconds) bound in order. */
    private int update(String sql, Object... values) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < values.length; i++) {
                    Object value = values[i];
                    if (value instanceof Instant instant) {
                        setSeconds(ps, i + 1, instant);
                    } else if (value instanceof Integer number) {
                        ps.setInt(i + 1, number);
                    } else if (value == null) {
                        ps.setNull(i + 1, java.sql.Types.NULL);
                    } else {
                        ps.setString(i + 1, (String) value);
                    }
                }
                return ps.executeUpdate();
            }
        });
    }

    private static Consent consent(ResultSet rs) throws SQLException {
        return new Consent(rs.getString(1), rs.getString(2), scope(rs.getString(3)), seconds(rs, 4));
    }

    private static Scope scope(String text) {
        return Scope.parse(text, OAuthError.SERVER_ERROR);
    }

    /**
     * One statement: the jti is inserted under its time, and a row already there (the same JWT
     * again) makes it change nothing, which is a replay. Both dialects have {@code ON CONFLICT DO
     * NOTHING}.
     */
    @Override
    public boolean spendAssertion(TokenHash jti, String clientId, java.time.Instant until) {
        return Futures.join(spendAssertionAsync(jti, clientId, until));
    }

    @Override
    public java.util.concurrent.CompletableFuture<Boolean> spendAssertionAsync(TokenHash jti, String clientId,
            java.time.Instant until) {
        return db.writeAsync(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO spent_jtis (expires_at, jti_hash, client_id)"
                    + " VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                ps.setLong(1, until.getEpochSecond());
                ps.setString(2, jti.value());
                ps.setString(3, clientId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public int purgeAssertions(java.time.Instant now, int batchSize) {
        return db.write(c -> {
            // The oldest first, from the start of the key order (no row in between is touched).
            try (PreparedStatement spent = c.prepareStatement("DELETE FROM spent_jtis WHERE (expires_at, jti_hash) IN"
                    + " (SELECT expires_at, jti_hash FROM spent_jtis WHERE expires_at < ? ORDER BY expires_at LIMIT ?)");
                    PreparedStatement before = c.prepareStatement("DELETE FROM client_assertions WHERE jti_hash IN"
                    + " (SELECT jti_hash FROM client_assertions WHERE expires_at < ? LIMIT ?)")) {
                spent.setLong(1, now.getEpochSecond());
                spent.setInt(2, batchSize);
                int purged = spent.executeUpdate();
                // What nodes before spent_jtis wrote (V13), until they are all gone.
                before.setLong(1, now.getEpochSecond());
                before.setInt(2, batchSize);
                return purged + before.executeUpdate();
            }
        });
    }
}
