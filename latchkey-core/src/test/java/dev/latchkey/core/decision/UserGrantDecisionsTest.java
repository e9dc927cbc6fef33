package dev.latchkey.core.decision;

import static dev.latchkey.core.decision.Fixtures.NOW;
import static dev.latchkey.core.decision.Fixtures.client;
import static dev.latchkey.core.decision.Fixtures.scope;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.authorize.Pkce;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.grant.AuthorizationCodeGrant;
import dev.latchkey.core.grant.DeviceCodeGrant;
import dev.latchkey.core.key.KeyManager;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.memory.InMemoryStores;
import dev.latchkey.core.store.record.AuthorizationCode;
import dev.latchkey.core.store.record.DeviceAuthorization;
import dev.latchkey.core.token.IdTokenMinter;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The authorization code and device code decisions over values, without a server or a store behind them. */
class UserGrantDecisionsTest {

    private static final String VERIFIER = "verifier-" + "x".repeat(40);
    private static final String REDIRECT = "https://app.example/cb";
    private static final IdTokenMinter ID_TOKENS = new IdTokenMinter(Fixtures.ISSUER, new KeyManager(new InMemoryStores(),
            Fixtures.MASTER_KEY, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(2), Duration.ofMinutes(5), "id"));
    private final AuthorizationCodeDecision codes = new AuthorizationCodeDecision(Fixtures.MINTER, ID_TOKENS,
            Fixtures.ISSUER);
    private final DeviceCodeDecision devices = new DeviceCodeDecision(Fixtures.MINTER, ID_TOKENS, Fixtures.ISSUER);
    private final RegisteredClient web = client("web", Map.of("grant_types", List.of("authorization_code",
            "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"), "scope", "read",
            "redirect_uris", List.of(REDIRECT)));

    private static AuthorizationCode code(String challenge, java.time.Instant redeemedAt) {
        return new AuthorizationCode(TokenHash.of("code"), "web", "usr_1", REDIRECT, challenge, scope("openid read"),
                List.of(), "nonce", NOW.minusSeconds(5), NOW.minusSeconds(5), NOW.plusSeconds(55), redeemedAt,
                redeemedAt == null ? null : "family-1");
    }

    private GrantOutcome redeem(AuthorizationCode code, String verifier, String redirect) {
        return codes.decide(web, new AuthorizationCodeGrant(code.hash(), redirect, Optional.ofNullable(verifier),
                List.of()), Optional.of(code), NOW);
    }

    private static String error(GrantOutcome outcome) {
        return outcome instanceof GrantOutcome.Refuse refuse ? refuse.error().code()
                : outcome instanceof GrantOutcome.RevokeFamily revoke ? "revoke:" + revoke.familyId() : "issued";
    }

    @Test
    void aGoodCodeIssuesTheUsersTokensAndAnIdTokenWithItsRedemptionAsTheWrite() {
        GrantOutcome outcome = redeem(code(Pkce.challenge(VERIFIER), null), VERIFIER, REDIRECT);
        assertThat(outcome).isInstanceOf(GrantOutcome.Issue.class);
        GrantOutcome.Issue issue = (GrantOutcome.Issue) outcome;
        assertThat(issue.tokens().idToken()).isPresent();
        assertThat(issue.tokens().refreshToken()).as("openid without offline_access: no refresh token").isEmpty();
        TokenWrite.RedeemCode write = (TokenWrite.RedeemCode) issue.write();
        assertThat(write.start().family().subject()).isEqualTo("usr_1");
        assertThat(write.start().refreshToken()).isNull();
    }

    @Test
    void eachRuleOfTheCodeIsInvalidGrant() {
        String challenge = Pkce.challenge(VERIFIER);
        assertThat(error(redeem(code(challenge, null), null, REDIRECT))).isEqualTo("invalid_grant");
        assertThat(error(redeem(code(challenge, null), "wrong-" + "y".repeat(40), REDIRECT))).isEqualTo("invalid_grant");
        assertThat(error(redeem(code(challenge, null), VERIFIER, "https://app.example/other"))).isEqualTo("invalid_grant");
        assertThat(error(redeem(code(null, null), VERIFIER, REDIRECT))).as("the downgrade").isEqualTo("invalid_grant");
        assertThat(error(redeem(code(challenge, NOW.minusSeconds(1)), VERIFIER, REDIRECT))).isEqualTo("revoke:family-1");
        assertThat(error(codes.decide(web, new AuthorizationCodeGrant(TokenHash.of("x"), REDIRECT,
                Optional.of(VERIFIER), List.of()), Optional.empty(), NOW))).isEqualTo("invalid_grant");
        assertThat(error(codes.decide(web, new AuthorizationCodeGrant(TokenHash.of("code"), REDIRECT,
                Optional.of(VERIFIER), List.of()), Optional.of(code(challenge, null)), NOW.plusSeconds(120))))
                .as("expired").isEqualTo("invalid_grant");
        RegisteredClient other = client("other", Map.of("grant_types", List.of("authorization_code"), "scope", "read",
                "redirect_uris", List.of(REDIRECT)));
        assertThat(error(codes.decide(other, new AuthorizationCodeGrant(TokenHash.of("code"), REDIRECT,
                Optional.of(VERIFIER), List.of()), Optional.of(code(challenge, null)), NOW))).isEqualTo("invalid_grant");
    }

    private static DeviceAuthorization device(DeviceAuthorization.Status status, java.time.Instant lastPoll, int interval) {
        return new DeviceAuthorization(TokenHash.of("device"), "BCDFGHJK", "web", scope("read"), NOW.minusSeconds(60),
                NOW.plusSeconds(540), interval, lastPoll, status, status == DeviceAuthorization.Status.PENDING ? null
                : "usr_2", NOW.minusSeconds(30), status == DeviceAuthorization.Status.REDEEMED ? "family-2" : null);
    }

    @Test
    void theDeviceGrantAnswersEachStateAsRfc8628Says() {
        DeviceCodeGrant grant = new DeviceCodeGrant(TokenHash.of("device"));
        assertThat(error(devices.decide(web, grant, Optional.of(device(DeviceAuthorization.Status.PENDING, null, 5)),
                NOW))).isEqualTo("authorization_pending");
        DeviceAuthorization fast = device(DeviceAuthorization.Status.PENDING, NOW.minusSeconds(2), 5);
        assertThat(error(devices.decide(web, grant, Optional.of(fast), NOW))).isEqualTo("slow_down");
        assertThat(DeviceCodeDecision.nextInterval(fast, NOW)).isEqualTo(10);
        assertThat(DeviceCodeDecision.nextInterval(device(DeviceAuthorization.Status.PENDING, NOW.minusSeconds(11), 10),
                NOW)).as("recovered").isEqualTo(5);
        assertThat(error(devices.decide(web, grant, Optional.of(device(DeviceAuthorization.Status.DENIED, null, 5)),
                NOW))).isEqualTo("access_denied");
        assertThat(error(devices.decide(web, grant, Optional.of(device(DeviceAuthorization.Status.PENDING, null, 5)),
                NOW.plusSeconds(600)))).isEqualTo("expired_token");
        assertThat(error(devices.decide(web, grant, Optional.of(device(DeviceAuthorization.Status.REDEEMED, null, 5)),
                NOW))).isEqualTo("revoke:family-2");
        GrantOutcome issued = devices.decide(web, grant, Optional.of(device(DeviceAuthorization.Status.APPROVED, null, 5)),
                NOW);
        assertThat(issued).isInstanceOf(GrantOutcome.Issue.class);
        assertThat(((GrantOutcome.Issue) issued).tokens().refreshToken()).isPresent();
        assertThat(error(devices.decide(web, grant, Optional.empty(), NOW))).isEqualTo("invalid_grant");
        RegisteredClient other = client("other", Map.of("grant_types",
                List.of("urn:ietf:params:oauth:grant-type:device_code"), "scope", "read"));
        assertThat(error(devices.decide(other, grant, Optional.of(device(DeviceAuthorization.Status.APPROVED, null, 5)),
                NOW))).as("another client's device code").isEqualTo("invalid_grant");
    }

    @Test
    void pkceIsS256Only() {
        String verifier = Secrets.random256();
        assertThat(Pkce.matches(verifier, Pkce.challenge(verifier))).isTrue();
        assertThat(Pkce.matches(verifier, verifier)).as("plain is not S256").isFalse();
        assertThat(Pkce.isVerifier("short")).isFalse();
        assertThat(Pkce.isChallenge(Pkce.challenge(verifier))).isTrue();
    }
}
