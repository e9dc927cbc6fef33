package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.Rfc7592;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 17, item 5 (per-client rate limits, begun): a token bucket per client at the token endpoint,
 * set by registration; over it, 429 with Retry-After and {@code rate_limited}; a client cannot raise
 * its own limit; a client without one is not limited.
 */
class RateLimitTest {

    @RegisterExtension
    static final TestServer SERVER = new TestServer();

    private static HttpResponse<String> token(TestClient client) {
        return Http.postForm(SERVER.tokenEndpoint(), client.basicHeader(), Map.of("grant_type", "client_credentials"));
    }

    @Test
    void theBucketHoldsItsBurstRefillsAtItsRateAndSaysWhenToRetry() {
        TestClient client = SERVER.register(Map.of("scope", "read", "rate_limit_per_second", 0.5, "rate_limit_burst", 2));
        assertThat(client.registration()).containsEntry("rate_limit_per_second", 0.5).containsEntry("rate_limit_burst", 2);

        assertThat(token(client).statusCode()).isEqualTo(200);
        assertThat(token(client).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = token(client);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(Http.json(refused)).containsEntry("error", "rate_limited");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("2"); // one token at 0.5 per second
        SERVER.clock().advance(Duration.ofSeconds(2));
        assertThat(token(client).statusCode()).as("refilled").isEqualTo(200);
        assertThat(token(client).statusCode()).isEqualTo(429);

        TestClient unlimited = SERVER.register(Map.of("scope", "read"));
        for (int i = 0; i < 20; i++) {
            assertThat(token(unlimited).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aClientCannotRaiseItsOwnLimitButMayLowerIt() {
        TestClient client = SERVER.register(Map.of("scope", "read", "rate_limit_per_second", 5, "rate_limit_burst", 5));
        Map<String, Object> current = new java.util.HashMap<>(client.registration());
        current.keySet().removeAll(java.util.Set.of("client_secret", "registration_access_token",
                "registration_client_uri", "client_id_issued_at", "client_secret_expires_at"));

        current.put("rate_limit_per_second", 50);
        HttpResponse<String> raised = Rfc7592.update(SERVER, client, client.registrationToken(), current);
        assertThat(raised.statusCode()).as(raised.body()).isEqualTo(400);
        assertThat(Http.json(raised)).containsEntry("error", "invalid_client_metadata");

        current.remove("rate_limit_per_second");
        current.remove("rate_limit_burst");
        assertThat(Rfc7592.update(SERVER, client, client.registrationToken(), current).statusCode()).as("dropping the limit widens it too")
                .isEqualTo(400);

        current.put("rate_limit_per_second", 1);
        current.put("rate_limit_burst", 1);
        assertThat(Rfc7592.update(SERVER, client, client.registrationToken(), current).statusCode()).isEqualTo(200);
    }

    @Test
    void anHourlyQuotaRefusesUntilTheHourEndsAndADailyOneUntilTheDayEnds() {
        TestClient client = SERVER.register(Map.of("scope", "read", "token_quota_per_hour", 3, "token_quota_per_day", 4));
        assertThat(client.registration()).containsEntry("token_quota_per_hour", 3).containsEntry("token_quota_per_day", 4);
        for (int i = 0; i < 3; i++) {
            assertThat(token(client).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> refused = token(client);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(Http.json(refused)).containsEntry("error", "quota_exceeded");
        java.time.Instant now = SERVER.clock().instant();
        long toNextHour = Duration.between(now, now.truncatedTo(java.time.temporal.ChronoUnit.HOURS).plusSeconds(3600))
                .toSeconds() + 1;
        assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isEqualTo(toNextHour);

        SERVER.clock().advance(Duration.ofSeconds(toNextHour));
        if (SERVER.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.DAYS)
                .equals(now.truncatedTo(java.time.temporal.ChronoUnit.DAYS))) {
            assertThat(token(client).statusCode()).as("a new hour, the fourth of the day").isEqualTo(200);
            HttpResponse<String> daily = token(client);
            assertThat(Http.json(daily)).as("the day's quota").containsEntry("error", "quota_exceeded");
            assertThat(Long.parseLong(daily.headers().firstValue("Retry-After").orElseThrow())).isGreaterThan(0);
        }
        SERVER.clock().advance(Duration.ofDays(1));
        assertThat(token(client).statusCode()).as("a new day").isEqualTo(200);
    }

    @Test
    void aClientMayLowerItsQuotaButNotRaiseOrDropIt() {
        TestClient client = SERVER.register(Map.of("scope", "read", "token_quota_per_day", 100));
        Map<String, Object> current = new java.util.HashMap<>(client.registration());
        current.keySet().removeAll(java.util.Set.of("client_secret", "registration_access_token",
                "registration_client_uri", "client_id_issued_at", "client_secret_expires_at"));
        current.put("token_quota_per_day", 1000);
        assertThat(Rfc7592.update(SERVER, client, client.registrationToken(), current).statusCode()).isEqualTo(400);
        current.remove("token_quota_per_day");
        assertThat(Rfc7592.update(SERVER, client, client.registrationToken(), current).statusCode()).isEqualTo(400);
        current.put("token_quota_per_day", 10);
        current.put("token_quota_per_hour", 5);
        assertThat(Rfc7592.update(SERVER, client, client.registrationToken(), current).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"rate_limit_per_second\": 0}|rate_limit_per_second must be a number above 0",
            "{\"rate_limit_per_second\": \"fast\"}|rate_limit_per_second must be a number above 0",
            "{\"rate_limit_per_second\": 1, \"rate_limit_burst\": 1.5}|rate_limit_burst must be a whole number",
            "{\"rate_limit_burst\": 3}|rate_limit_burst needs rate_limit_per_second",
            "{\"token_quota_per_hour\": 0}|token_quota_per_hour must be a whole number from 1",
            "{\"token_quota_per_day\": 2.5}|token_quota_per_day must be a whole number from 1",
            "{\"token_quota_per_day\": \"lots\"}|token_quota_per_day must be a whole number from 1"})
    void aBadLimitIsInvalidClientMetadata(String json, String message) {
        HttpResponse<String> response = Http.json(SERVER, "POST", "/oauth2/register", json,
                TestServer.INITIAL_ACCESS_TOKEN);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.json(response)).containsEntry("error", "invalid_client_metadata");
        assertThat((String) Http.json(response).get("error_description")).contains(message);
    }
}
