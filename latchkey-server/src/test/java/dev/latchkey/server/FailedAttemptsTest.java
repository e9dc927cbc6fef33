package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17, item 5: limits per source address on the paths a stranger can reach. Past
 * {@code --failed-attempts-per-minute} failed client authentications or registrations, an address
 * gets 429 {@code rate_limited} with Retry-After at those endpoints, whatever it presents.
 */
class FailedAttemptsTest {

    @RegisterExtension
    static final TestServer SERVER = new TestServer(config -> config.toBuilder().failedAttemptsPerMinute(5).build());

    @Test
    void guessingSecretsFromOneAddressIsCutOffAtTheLimit() {
        TestClient client = SERVER.register(Map.of("scope", "read"));
        String wrong = "Basic " + Base64.getEncoder().encodeToString((client.id() + ":wrong").getBytes());
        for (int i = 0; i < 5; i++) {
            assertThat(Http.postForm(SERVER.tokenEndpoint(), wrong, Map.of("grant_type", "client_credentials"))
                    .statusCode()).isEqualTo(401);
        }
        HttpResponse<String> cut = Http.postForm(SERVER.tokenEndpoint(), client.basicHeader(),
                Map.of("grant_type", "client_credentials"));
        assertThat(cut.statusCode()).as("even the right secret, from this address").isEqualTo(429);
        assertThat(Http.json(cut)).containsEntry("error", "rate_limited");
        assertThat(Long.parseLong(cut.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
        HttpResponse<String> registration = Http.json(SERVER, "POST", "/oauth2/register", "{\"scope\":\"read\"}",
                TestServer.INITIAL_ACCESS_TOKEN);
        assertThat(registration.statusCode()).as("registration from the address too").isEqualTo(429);
    }
}
