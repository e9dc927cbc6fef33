package dev.latchkey.bench;

import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.secret.TokenHash;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills a store with opaque access tokens (stored as the server stores them, issued over the last
 * day, valid for a day), to show that introspection does not slow down as tokens accumulate.
 * Usage: Populate JDBC_URL COUNT.
 */
public final class Populate {

    private static final Logger LOG = LoggerFactory.getLogger(Populate.class);

    private Populate() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int count = Integer.parseInt(args[1]);
        long now = Instant.now().getEpochSecond();
        long started = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO access_tokens (token_hash, client_id, subject,"
                    + " scope, audience, jti, family_id, issued_at, expires_at, revoked) VALUES (?, 'populate', 'populate',"
                    + " 'read', 'https://bench', ?, NULL, ?, ?, 0)")) {
                for (int i = 1; i <= count; i++) {
                    // Stored as this server stores its tokens, issued over the last day in order.
                    long issuedMillis = now * 1000 - 86_400_000L + (long) i * 86_400_000L / count;
                    ps.setString(1, TokenHash.of(Secrets.timeOrdered256(issuedMillis)).value());
                    ps.setString(2, Secrets.random128());
                    ps.setLong(3, now);
                    ps.setLong(4, now + 86_400);
                    ps.addBatch();
                    if (i % 10_000 == 0) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
                ps.executeBatch();
                c.commit();
            }
        }
        LOG.info("Stored {} tokens in {} ms", String.format("%,d", count), (System.nanoTime() - started) / 1_000_000);
    }
}
