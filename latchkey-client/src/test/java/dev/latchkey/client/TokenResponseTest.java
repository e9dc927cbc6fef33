package dev.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One fixture per seed shape, built from the field tables in {@code src/test/resources/seeds}. */
class TokenResponseTest {

    private static final Instant RECEIVED = Instant.parse("2026-01-01T00:00:00Z");
    private static final long R = RECEIVED.getEpochSecond();

    /** name, json, token type, refresh token, scopes, issuedAt, expiresAt. */
    static Stream<Arguments> seedShapes() {
        return Stream.of(
                // 000 Authentication: "bearer", float TTL, created_at a datetime string
                Arguments.of("000 authentication",
                        "{\"access_token\":\"at-000\",\"token_type\":\"bearer\",\"expires_in\":3599.5,"
                                + "\"refresh_token\":\"rt-000\",\"created_at\":\"2026-01-01T00:00:00Z\",\"scope\":\"read write\"}",
                        "bearer", "rt-000", new String[] {"read", "write"}, RECEIVED, RECEIVED.plusMillis(3_599_500)),
                // 001 OAuth2TokenResponse: created_at integer epoch seconds, integer TTL
                Arguments.of("001 oauth2 token response",
                        "{\"access_token\":\"at-001\",\"created_at\":" + R + ",\"expires_in\":7200,"
                                + "\"scope\":\"enterprise:read public:read\",\"token_type\":\"Bearer\"}",
                        "Bearer", null, new String[] {"enterprise:read", "public:read"}, RECEIVED, RECEIVED.plusSeconds(7200)),
                // 002 RefreshTokenAuthentication: camelCase, createdAt a number
                Arguments.of("002 refresh token authentication",
                        "{\"accessToken\":\"at-002\",\"tokenType\":\"Bearer\",\"expiresIn\":900,\"createdAt\":" + R
                                + ",\"refreshToken\":\"rt-002\",\"scope\":\"a\"}",
                        "Bearer", "rt-002", new String[] {"a"}, RECEIVED, RECEIVED.plusSeconds(900)),
                // 003 Credentials: issued_at a datetime, no token_type, no scope
                Arguments.of("003 credentials",
                        "{\"refresh_token\":\"1234567890abcdefghijklmnopqrstuvwxyz\",\"access_token\":\"at-003\","
                                + "\"issued_at\":\"2026-01-01T00:00:00Z\",\"expires_in\":3600}",
                        "Bearer", "1234567890abcdefghijklmnopqrstuvwxyz", new String[] {}, RECEIVED, RECEIVED.plusSeconds(3600)),
                // 004 AuthToken: "opaque"/"jwt", expires_in an absolute Unix timestamp
                Arguments.of("004 auth token",
                        "{\"token_type\":\"opaque\",\"access_token\":\"at-004\",\"refresh_token\":\"rt-004\","
                                + "\"expires_in\":" + (R + 1800) + ",\"scope\":\"/accounts.read /accounts.write\"}",
                        "opaque", "rt-004", new String[] {"/accounts.read", "/accounts.write"}, RECEIVED,
                        RECEIVED.plusSeconds(1800)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("seedShapes")
    void everySeedShapeReads(String name, String json, String type, String refresh, String[] scopes, Instant issued,
            Instant expires) {
        TokenResponse response = TokenResponse.parse(json, RECEIVED);

        assertThat(response.accessToken()).startsWith("at-");
        assertThat(response.tokenType()).isEqualTo(type);
        assertThat(response.isBearer()).isTrue();
        assertThat(response.refreshToken()).isEqualTo(java.util.Optional.ofNullable(refresh));
        assertThat(response.scopes()).containsExactly(scopes);
        assertThat(response.issuedAt()).contains(issued);
        assertThat(response.expiresAt()).contains(expires);
        assertThat(response.isQueuedForRefresh()).isFalse();
        assertThat(response.toString()).doesNotContain(response.accessToken());
    }

    @Test
    void seed002ExampleWithOnlyTheRequiredMembersReads() {
        TokenResponse response = TokenResponse.parse("{\"accessToken\":\"<value>\",\"createdAt\":44.47}", RECEIVED);

        assertThat(response.accessToken()).isEqualTo("<value>");
        assertThat(response.expiresAt()).isEmpty();
        assertThat(response.isQueuedForRefresh()).isTrue();
    }

    @Test
    void storedCredentialsWithoutIssuedAtAreQueuedForRefresh() {
        TokenResponse stored = TokenResponse.parseStored("{\"access_token\":\"a\",\"expires_in\":3600}");

        assertThat(stored.issuedAt()).isEmpty();
        assertThat(stored.expiresAt()).isEmpty();
        assertThat(stored.isQueuedForRefresh()).isTrue();
        assertThat(TokenResponse.parseStored("{\"access_token\":\"a\",\"issued_at\":\"2020-01-01T00:00:00Z\"}")
                .isQueuedForRefresh()).as("no expires_in").isTrue();
        assertThat(TokenResponse.parseStored("{\"access_token\":\"a\",\"issued_at\":\"2020-01-01T00:00:00Z\",\"expires_in\":60}")
                .expiresAt()).contains(Instant.parse("2020-01-01T00:01:00Z"));
    }

    @Test
    void aResponseWithoutAnyTimesCountsItsLifetimeFromReceipt() {
        TokenResponse response = TokenResponse.parse("{\"access_token\":\"a\",\"expires_in\":60}", RECEIVED);

        assertThat(response.issuedAt()).contains(RECEIVED);
        assertThat(response.expiresAt()).contains(RECEIVED.plusSeconds(60));
        assertThat(response.clockSkew()).isZero();
    }

    /** Pins the sign: a server 60 s ahead must not make us believe its token lives 60 s longer. */
    @Test
    void skewFromAnAbsoluteCreatedAtIsSubtractedFromServerTimes() {
        long serverNow = R + 60; // the server's clock is 60 s ahead of ours
        TokenResponse relative = TokenResponse.parse("{\"access_token\":\"a\",\"created_at\":" + serverNow
                + ",\"expires_in\":3600}", RECEIVED);
        TokenResponse absolute = TokenResponse.parse("{\"access_token\":\"a\",\"created_at\":" + serverNow
                + ",\"expires_in\":" + (serverNow + 3600) + "}", RECEIVED);

        assertThat(relative.clockSkew()).isEqualTo(Duration.ofSeconds(60));
        assertThat(relative.expiresAt()).contains(RECEIVED.plusSeconds(3600));
        assertThat(absolute.expiresAt()).contains(RECEIVED.plusSeconds(3600));
        assertThat(absolute.issuedAt()).contains(RECEIVED);
    }

    @Test
    void skewFromTheDateHeaderAppliesToAnAbsoluteExpiry() {
        Instant serverDate = RECEIVED.minusSeconds(120); // the server's clock is 2 minutes behind
        TokenResponse response = TokenResponse.parse("{\"access_token\":\"a\",\"expires_in\":" + (R - 120 + 600) + "}",
                RECEIVED, serverDate);

        assertThat(response.clockSkew()).isEqualTo(Duration.ofSeconds(-120));
        assertThat(response.expiresAt()).contains(RECEIVED.plusSeconds(600));
    }

    @Test
    void createdAtInMillisecondsAndOtherDatetimeFormatsRead() {
        assertThat(TokenResponse.parse("{\"access_token\":\"a\",\"created_at\":" + (R * 1000) + ",\"expires_in\":10}",
                RECEIVED).clockSkew()).isZero();
        for (String created : new String[] {"\"2026-01-01T01:00:00+01:00\"", "\"2026-01-01T00:00:00\"",
                "\"2026-01-01\"", "\"" + R + "\"", String.valueOf(R) + ".0"}) {
            assertThat(TokenResponse.parse("{\"access_token\":\"a\",\"created_at\":" + created + "}", RECEIVED)
                    .clockSkew()).as(created).isZero();
        }
    }

    @Test
    void unknownMembersAreKeptAndReadable() {
        TokenResponse response = TokenResponse.parse("{\"access_token\":\"a\",\"id_token\":\"x.y.z\","
                + "\"ext\":{\"n\":1},\"created_at\":" + R + "}", RECEIVED);

        assertThat(response.additionalFields()).containsOnlyKeys("id_token", "ext");
        assertThat(response.field("id_token")).contains("x.y.z");
        assertThat(response.field("ext")).contains(Map.of("n", 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[]", "\"text\"", "{", "null", "{\"token_type\":\"Bearer\"}",
            "{\"access_token\":\"\"}", "{\"access_token\":42}", "{\"access_token\":\"a\",\"expires_in\":\"soon\"}",
            "{\"access_token\":\"a\",\"expires_in\":true}", "{\"access_token\":\"a\",\"created_at\":\"yesterday\"}",
            "{\"access_token\":\"a\",\"created_at\":[1]}", "{\"access_token\":\"a\",\"scope\":[\"a\"]}",
            "{\"access_token\":\"a\",\"expires_in\":-5}", "{\"access_token\":\"a\",\"expires_in\":1e400}",
            "{\"access_token\":\"a\",\"created_at\":1e30}"})
    void malformedResponsesThrowTheDocumentedExceptionNamingTheProblem(String json) {
        assertThatThrownBy(() -> TokenResponse.parse(json, RECEIVED))
                .isInstanceOf(TokenResponseException.class)
                .hasMessageMatching(".*(JSON|access_token|expires_in|created_at|scope|range|empty).*");
    }

    @Test
    void nullIsAnExceptionNotANullPointerException() {
        assertThatThrownBy(() -> TokenResponse.parse(null, RECEIVED)).isInstanceOf(TokenResponseException.class);
    }

    @Test
    void theSecretIsNotInTheMessageOfAMalformedResponse() {
        assertThatThrownBy(() -> TokenResponse.parse("{\"access_token\":\"s3cr3t-value\",\"expires_in\":{}}", RECEIVED))
                .isInstanceOf(TokenResponseException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t-value"));
    }
}
