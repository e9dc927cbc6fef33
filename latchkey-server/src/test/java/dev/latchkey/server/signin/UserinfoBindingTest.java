package dev.latchkey.server.signin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.account.Account;
import dev.latchkey.core.account.Role;
import dev.latchkey.core.secret.Confirmation;
import dev.latchkey.core.store.memory.InMemoryStores;
import dev.latchkey.core.token.Introspection;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * RFC 8705 §3 at the userinfo endpoint: a token bound to a client certificate answers only on a
 * connection that presents that certificate (its x5t#S256); the DPoP rules are covered over HTTP by
 * DpopUserTokensTest, and certificate authentication by MutualTlsTest.
 */
class UserinfoBindingTest {

    private static final Confirmation BOUND = Confirmation.certificate("bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2");

    private final InMemoryStores stores = new InMemoryStores();
    private final Userinfo userinfo;

    UserinfoBindingTest() {
        Instant now = Instant.now();
        stores.accounts().insert(new Account("usr_1", "nadia", Role.USER, "x", false, false, null, null, now, now),
                null);
        Introspection introspection = Introspection.active().tokenType(Introspection.ACCESS_TOKEN).clientId("app")
                .subject("usr_1").scope("openid profile").expiresAt(now.plusSeconds(60)).issuedAt(now)
                .confirmation(BOUND).build();
        userinfo = new Userinfo(token -> CompletableFuture.completedFuture(introspection), stores::accounts,
                (proof, method, token) -> {
                    throw new AssertionError("no DPoP here");
                });
    }

    @Test
    void aCertificateBoundTokenAnswersOnlyWithItsCertificate() {
        assertThat(userinfo.reply("GET", "Bearer t", null, BOUND, null).status()).isEqualTo(200);
        assertThat(userinfo.reply("GET", "Bearer t", null, null, null).status()).as("no certificate").isEqualTo(401);
        assertThat(userinfo.reply("GET", "Bearer t", null, Confirmation.certificate("another"), null).status())
                .as("another certificate").isEqualTo(401);
    }
}
