package dev.latchkey.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.AuthorizationStore;
import dev.latchkey.core.store.StoreUnavailableException;
import dev.latchkey.core.store.Stores;
import dev.latchkey.core.store.record.AuthorizationCode;
import dev.latchkey.core.store.record.Consent;
import dev.latchkey.core.store.record.DeviceAuthorization;
import dev.latchkey.core.store.record.PushedRequest;
import dev.latchkey.core.store.record.Redemption;
import dev.latchkey.core.store.record.RefreshTokenRecord;
import dev.latchkey.core.store.record.TokenFamily;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The contract of the end users' storage on every implementation: authorization codes, consents,
 * pushed requests and device authorizations (each compare-and-set wins once), and families that
 * carry their user through rotation.
 */
interface UserFlowStoreContract {

    Instant T0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    Stores stores();

    private AuthorizationStore codes() {
        return stores().authorizations();
    }

    private static Scope scope(String text) {
        return Scope.parse(text, OAuthError.SERVER_ERROR);
    }

    /** Spending {@code grant} with a family of access tokens only, of usr_1 and client-1. */
    private static Redemption redemption(Redemption.Kind kind, TokenHash grant, String familyId) {
        return new Redemption(kind, grant, T0.plusSeconds(1), TokenFamily.start(familyId, "client-1", T0,
                T0.plusSeconds(60), "usr_1"), null, null);
    }

    @Test
    default void anAuthorizationCodeIsRedeemedOnceAndRemembersWhatItIssued() {
        TokenHash hash = TokenHash.of(Secrets.random256());
        codes().saveCode(new AuthorizationCode(hash, "client-1", "usr_1", "https://app.example/cb", "challenge",
                scope("openid read"), List.of(URI.create("https://api.example/")), "n-1", T0, T0, T0.plusSeconds(60),
                null, null));
        AuthorizationCode found = codes().findCode(hash).orElseThrow();
        assertThat(found.scope()).isEqualTo(scope("openid read"));
        assertThat(found.nonce()).isEqualTo("n-1");
        assertThat(found.resources()).containsExactly(URI.create("https://api.example/"));

        assertThat(stores().tokens().redeem(redemption(Redemption.Kind.AUTHORIZATION_CODE, hash, "family-a"))).isTrue();
        assertThat(stores().tokens().redeem(redemption(Redemption.Kind.AUTHORIZATION_CODE, hash, "family-b")))
                .as("a code is redeemed once").isFalse();
        assertThat(codes().findCode(hash).orElseThrow().familyId()).isEqualTo("family-a");
        assertThat(stores().tokens().userGrants("usr_1")).as("the winner's family is stored, the loser's not")
                .containsOnlyKeys("client-1");
        assertThat(stores().tokens().userGrants("usr_1").get("client-1").familyIds()).containsExactly("family-a");
        assertThat(codes().findCode(TokenHash.of("unknown"))).isEmpty();
    }

    @Test
    default void aConsentIsReplacedListedAndForgotten() {
        codes().saveConsent(new Consent("usr_c", "client-1", scope("read"), T0));
        codes().saveConsent(new Consent("usr_c", "client-1", scope("read write"), T0.plusSeconds(5)));
        codes().saveConsent(new Consent("usr_c", "client-2", scope("openid"), T0.plusSeconds(1)));
        assertThat(codes().consent("usr_c", "client-1").orElseThrow().scope()).isEqualTo(scope("read write"));
        assertThat(codes().consents("usr_c")).extracting(Consent::clientId).containsExactly("client-1", "client-2");
        assertThat(codes().deleteConsent("usr_c", "client-1")).isTrue();
        assertThat(codes().deleteConsent("usr_c", "client-1")).isFalse();
        assertThat(codes().consent("usr_c", "client-1")).isEmpty();
    }

    @Test
    default void aPushedRequestIsUsedOnce() {
        TokenHash hash = TokenHash.of(PushedRequest.URN_PREFIX + Secrets.random256());
        codes().savePushed(new PushedRequest(hash, "client-1", "response_type=code&scope=read", T0.plusSeconds(60),
                null));
        assertThat(codes().findPushed(hash).orElseThrow().parameters()).isEqualTo("response_type=code&scope=read");
        assertThat(codes().usePushed(hash, T0)).isTrue();
        assertThat(codes().usePushed(hash, T0)).isFalse();
        assertThat(codes().findPushed(hash).orElseThrow().isUsable(T0)).isFalse();
    }

    @Test
    default void aDeviceAuthorizationIsDecidedOncePolledAndRedeemedOnce() {
        TokenHash hash = TokenHash.of(Secrets.random256());
        String userCode = "BCDFGHJK";
        codes().saveDevice(new DeviceAuthorization(hash, userCode, "client-1", scope("read"), T0, T0.plusSeconds(600),
                5, null, DeviceAuthorization.Status.PENDING, null, null, null));
        assertThatThrownBy(() -> codes().saveDevice(new DeviceAuthorization(TokenHash.of(Secrets.random256()), userCode,
                "client-1", scope("read"), T0, T0.plusSeconds(600), 5, null, DeviceAuthorization.Status.PENDING, null,
                null, null))).as("user codes are unique").isInstanceOf(StoreUnavailableException.class);

        codes().pollDevice(hash, T0.plusSeconds(3), 10);
        DeviceAuthorization polled = codes().findDeviceByUserCode(userCode).orElseThrow();
        assertThat(polled.interval()).isEqualTo(10);
        assertThat(polled.lastPollAt()).isEqualTo(T0.plusSeconds(3));

        assertThat(stores().tokens().redeem(redemption(Redemption.Kind.DEVICE_CODE, hash, "f-x")))
                .as("not approved yet").isFalse();
        assertThat(codes().decideDevice(userCode, DeviceAuthorization.Status.APPROVED, "usr_d", T0, T0.plusSeconds(4)))
                .isTrue();
        assertThat(codes().decideDevice(userCode, DeviceAuthorization.Status.DENIED, "usr_e", T0, T0.plusSeconds(5)))
                .as("decided once").isFalse();
        assertThat(stores().tokens().redeem(redemption(Redemption.Kind.DEVICE_CODE, hash, "f-1"))).isTrue();
        assertThat(stores().tokens().redeem(redemption(Redemption.Kind.DEVICE_CODE, hash, "f-2"))).isFalse();
        DeviceAuthorization redeemed = codes().findDevice(hash).orElseThrow();
        assertThat(redeemed.status()).isEqualTo(DeviceAuthorization.Status.REDEEMED);
        assertThat(redeemed.accountId()).isEqualTo("usr_d");
        assertThat(redeemed.familyId()).isEqualTo("f-1");
    }

    @Test
    default void anExpiredDeviceAuthorizationCannotBeDecided() {
        TokenHash hash = TokenHash.of(Secrets.random256());
        codes().saveDevice(new DeviceAuthorization(hash, "ZZZZXXXX", "client-1", scope("read"), T0, T0.plusSeconds(60),
                5, null, DeviceAuthorization.Status.PENDING, null, null, null));
        assertThat(codes().decideDevice("ZZZZXXXX", DeviceAuthorization.Status.APPROVED, "usr_d", T0,
                T0.plusSeconds(61))).isFalse();
    }

    @Test
    default void auditRetentionDeletesOldEntriesInSmallBatches() {
        java.time.Duration day = java.time.Duration.ofDays(1);
        for (long daysAgo : new long[] {100, 95, 1}) {
            stores().audit().append(new dev.latchkey.core.audit.AuditEvent(0, T0.minus(day.multipliedBy(daysAgo)),
                    "cli", "client.create", "client", "c-" + daysAgo, null, null, null, null));
        }
        java.time.Instant cutoff = T0.minus(day.multipliedBy(90));
        assertThat(stores().audit().purgeBefore(cutoff, 1)).isEqualTo(1);
        assertThat(stores().audit().purgeBefore(cutoff, 1)).isEqualTo(1);
        assertThat(stores().audit().purgeBefore(cutoff, 1)).isZero();
        assertThat(stores().audit().list(dev.latchkey.core.audit.AuditQuery.latest(10)))
                .extracting(dev.latchkey.core.audit.AuditEvent::targetId).contains("c-1")
                .doesNotContain("c-100", "c-95");
    }

    @Test
    default void anEndUserKeepsTheirEmailAddress() {
        dev.latchkey.core.account.Account user = new dev.latchkey.core.account.Account("usr_mail", "mailer",
                dev.latchkey.core.account.Role.USER, "hash", false, false, null, null, T0, T0, "m@example.com");
        stores().accounts().insert(user, null);
        assertThat(stores().accounts().find("usr_mail").orElseThrow().email()).isEqualTo("m@example.com");
        stores().accounts().insertSession(new dev.latchkey.core.account.Session("sess-hash", "usr_mail", T0, T0,
                T0.plusSeconds(3600)), null);
        var both = stores().accounts().findSessionWithAccount("sess-hash").orElseThrow();
        assertThat(both.account().email()).isEqualTo("m@example.com");
        assertThat(both.session().expiresAt()).isEqualTo(T0.plusSeconds(3600));
        assertThat(stores().accounts().findSessionWithAccount("no-such-session")).isEmpty();
        stores().accounts().update(user.withDisabled(true, T0.plusSeconds(1)), null);
        assertThat(stores().accounts().find("usr_mail").orElseThrow().email()).as("kept by updates")
                .isEqualTo("m@example.com");
    }

    @Test
    default void aUsersFamilyCarriesTheUserThroughItsTokensAndListsAsAGrant() {
        TokenFamily family = TokenFamily.start("fam-user-" + Secrets.random128(), "client-9", T0, null, "usr_9");
        RefreshTokenRecord token = RefreshTokenRecord.active(TokenHash.of(Secrets.random256()), family, scope("read"),
                List.of(), T0, T0.plusSeconds(3600), T0.plusSeconds(60));
        stores().tokens().saveRefreshToken(family, token, null);
        assertThat(stores().tokens().findRefreshToken(token.hash()).orElseThrow().token().subject()).isEqualTo("usr_9");

        TokenFamily accessOnly = TokenFamily.start("fam-access-" + Secrets.random128(), "client-8", T0,
                T0.plusSeconds(60), "usr_9");
        stores().tokens().saveRefreshToken(accessOnly, null, null);
        assertThat(stores().tokens().userGrants("usr_9")).containsOnlyKeys("client-9", "client-8");
        assertThat(stores().tokens().userGrants("usr_9").get("client-9").familyIds()).containsExactly(family.familyId());

        assertThat(stores().tokens().revokeFamily(accessOnly.familyId(), T0.plusSeconds(60))).isPresent();
        assertThat(stores().tokens().userGrants("usr_9")).containsOnlyKeys("client-9");
        assertThat(stores().tokens().userGrants("usr_other")).isEmpty();
    }

    @Test
    default void declarationsAreReplacedListedInOrderAndForgotten() {
        var declarations = stores().declarations();
        declarations.put(new dev.latchkey.core.store.DeclarationStore.Declared("client", "reporting", "cli_1"));
        declarations.put(new dev.latchkey.core.store.DeclarationStore.Declared("api", "billing", "api_1"));
        declarations.put(new dev.latchkey.core.store.DeclarationStore.Declared("client", "reporting", "cli_2"));
        assertThat(declarations.all()).containsExactly(
                new dev.latchkey.core.store.DeclarationStore.Declared("api", "billing", "api_1"),
                new dev.latchkey.core.store.DeclarationStore.Declared("client", "reporting", "cli_2"));
        assertThat(declarations.remove("client", "reporting")).isTrue();
        assertThat(declarations.remove("client", "reporting")).isFalse();
        assertThat(declarations.all()).extracting(dev.latchkey.core.store.DeclarationStore.Declared::name)
                .containsExactly("billing");
    }

    @Test
    default void theAuditLogIsFollowedOldestFirstAndASeqIsNeverReused() {
        var audit = stores().audit();
        java.util.function.IntFunction<dev.latchkey.core.audit.AuditEvent> event = i -> new dev.latchkey.core.audit.AuditEvent(
                0, T0.minusSeconds(100 - i), "cli", "test.follow", "thing", "t" + i, null, null, null, null);
        long first = audit.append(event.apply(1));
        long second = audit.append(event.apply(2));
        long third = audit.append(event.apply(3));
        assertThat(audit.after(first, 10)).extracting(dev.latchkey.core.audit.AuditEvent::seq)
                .containsExactly(second, third);
        assertThat(audit.after(first, 1)).extracting(dev.latchkey.core.audit.AuditEvent::targetId).containsExactly("t2");
        assertThat(audit.purgeBefore(T0, 100)).isGreaterThanOrEqualTo(3);
        long fourth = audit.append(event.apply(4));
        assertThat(fourth).as("a purge never hands out a used seq again").isGreaterThan(third);
        assertThat(audit.after(third, 10)).extracting(dev.latchkey.core.audit.AuditEvent::targetId).containsExactly("t4");
    }

    @Test
    default void aJtiIsSpentOnceUntilItsTimeIsOver() {
        TokenHash jti = TokenHash.of("client-1\u0000jti-1");
        assertThat(codes().spendAssertion(jti, "client-1", T0.plusSeconds(300))).isTrue();
        assertThat(codes().spendAssertion(jti, "client-1", T0.plusSeconds(300))).as("a replay").isFalse();
        assertThat(codes().spendAssertion(TokenHash.of("client-2\u0000jti-1"), "client-2", T0.plusSeconds(300)))
                .as("the same jti of another client (hashed with its id)").isTrue();
        assertThat(codes().purgeAssertions(T0.plusSeconds(299), 100)).as("nothing is over yet").isZero();
        assertThat(codes().spendAssertion(jti, "client-1", T0.plusSeconds(300))).as("kept by the purge").isFalse();
        assertThat(codes().purgeAssertions(T0.plusSeconds(301), 100)).isEqualTo(2);
        assertThat(codes().spendAssertion(jti, "client-1", T0.plusSeconds(300)))
                .as("forgotten once its time is over (its JWT is refused as expired by then)").isTrue();
    }

    @Test
    default void spentJtiArePurgedOldestFirstInBatches() {
        for (int second = 1; second <= 5; second++) {
            assertThat(codes().spendAssertion(TokenHash.of("c\u0000" + second), "c", T0.plusSeconds(second))).isTrue();
        }
        assertThat(codes().purgeAssertions(T0.plusSeconds(100), 2)).isEqualTo(2);
        assertThat(codes().spendAssertion(TokenHash.of("c\u00001"), "c", T0.plusSeconds(1))).as("purged").isTrue();
        assertThat(codes().spendAssertion(TokenHash.of("c\u00003"), "c", T0.plusSeconds(3))).as("kept").isFalse();
        assertThat(codes().purgeAssertions(T0.plusSeconds(100), 100)).isEqualTo(4);
    }
}
