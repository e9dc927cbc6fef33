package dev.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * For every response profile: the server answers in it, {@link TokenResponse} reads it, and the
 * expiry it computes matches the token's real {@code exp} to the second.
 */
class ResponseProfileRoundTripTest {

    @RegisterExtension
    static final TestServer SERVER = TestServer.realTime(config -> config);

    @ParameterizedTest(name = "{0} ({1})")
    @CsvSource({
            "rfc6749, jwt, access_token token_type expires_in refresh_token scope created_at",
            "rfc6749, opaque, access_token token_type expires_in refresh_token scope created_at",
            "float_ttl_datetime, jwt, access_token token_type expires_in refresh_token created_at scope",
            "camel_case, jwt, accessToken tokenType expiresIn createdAt refreshToken scope",
            "credentials_issued_at, jwt, refresh_token access_token issued_at expires_in",
            "absolute_expiry, jwt, token_type access_token refresh_token expires_in scope",
            "absolute_expiry, opaque, token_type access_token refresh_token expires_in scope"})
    void theServersProfileReadsBackToTheTokensRealExpiry(String profile, String format, String members) throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "/accounts.read /accounts.write", "response_profile", profile,
                "access_token_format", format, "access_token_ttl", 1234,
                "grant_types", List.of("client_credentials", "refresh_token")));

        HttpResponse<String> http = Http.postForm(SERVER.tokenEndpoint(), client.basicHeader(),
                Map.of("grant_type", "client_credentials"));
        Instant received = Instant.now();
        Instant date = ZonedDateTime.parse(http.headers().firstValue("Date").orElseThrow(),
                DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        TokenResponse response = TokenResponse.parse(http.body(), received, date);

        assertThat(Http.json(http).keySet()).containsExactly(members.split(" "));
        long exp = realExpiry(client, response.accessToken(), format);
        // On the server's clock the computed expiry is exactly exp; on ours, skew apart (under a second here).
        assertThat(response.expiresAt().orElseThrow().plus(response.clockSkew()).getEpochSecond()).isEqualTo(exp);
        assertThat(Duration.between(Instant.ofEpochSecond(exp), response.expiresAt().orElseThrow()).abs())
                .isLessThan(Duration.ofSeconds(2));
        assertThat(response.refreshToken()).isPresent();
        if (!profile.equals("credentials_issued_at")) {
            assertThat(response.scopes()).containsExactly("/accounts.read", "/accounts.write");
        }
        if (profile.equals("absolute_expiry")) {
            assertThat(response.tokenType()).isEqualTo(format);
        }
    }

    private static long realExpiry(TestClient client, String token, String format) throws Exception {
        if (format.equals("jwt")) {
            return SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime().toInstant().getEpochSecond();
        }
        Map<String, Object> introspection = Http.json(Http.postForm(SERVER.uri("/oauth2/introspect"),
                client.basicHeader(), Map.of("token", token)));
        return ((Number) introspection.get("exp")).longValue();
    }
}
