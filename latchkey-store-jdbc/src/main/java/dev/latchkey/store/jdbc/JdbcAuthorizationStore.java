package dev.latchkey.store.jdbc;

import static dev.latchkey.store.jdbc.JdbcSupport.seconds;
import static dev.latchkey.store.jdbc.JdbcSupport.setSeconds;

import dev.latchkey.core.store.record.AuthorizationCode;
import dev.latchkey.core.store.record.Consent;
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
            + " resources, nonce, auth_time, issued_at, expires_at, redeemed_at, family_id";

    private final Transactor db;

    JdbcAuthorizationStore(Transactor db) {
        this.db = db;
    }

    @Override
    public void saveCode(AuthorizationCode code) {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO authorization_codes (" + CODE_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
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
                            seconds(rs, 11), seconds(rs, 12), rs.getString(13)));
                }
            }
        });
    }

    /** The compare-and-set: one conditional UPDATE. */
    @Override
    public boolean redeem(TokenHash hash, Instant now, String familyId) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE authorization_codes SET redeemed_at = ?,"
                    + " family_id = ? WHERE code_hash = ? AND redeemed_at IS NULL")) {
                setSeconds(ps, 1, now);
                ps.setString(2, familyId);
                ps.setString(3, hash.value());
                return ps.executeUpdate() == 1;
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

    private static Consent consent(ResultSet rs) throws SQLException {
        return new Consent(rs.getString(1), rs.getString(2), scope(rs.getString(3)), seconds(rs, 4));
    }

    private static Scope scope(String text) {
        return Scope.parse(text, OAuthError.SERVER_ERROR);
    }
}
