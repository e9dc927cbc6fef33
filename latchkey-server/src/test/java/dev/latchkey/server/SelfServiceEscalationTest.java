package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.Jwts;
import dev.latchkey.server.testing.Rfc7592;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12, item 2: with only its registration access token a client may keep or narrow what it was
 * registered with (RFC 7591 §5), never widen it. The two-node variant is in {@link MultiNodeTest}.
 */
class SelfServiceEscalationTest {

    @RegisterExtension
    static final TestServer SERVER = new TestServer();

    private static final Map<String, Object> REGISTERED = Map.of("scope", "read write",
            "grant_types", List.of("client_credentials"), "resources", List.of("https://api.example/"),
            "access_token_ttl", 600, "refresh_token_absolute_ttl", 86_400);

    @Test
    void aClientCannotRaiseItsOwnScopesGrantsResourcesOrLifetimes() throws Exception {
        TestClient client = SERVER.register(REGISTERED);

        HttpResponse<String> response = Rfc7592.update(SERVER, client, client.registrationToken(),
                Rfc7592.everythingWidened());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.json(response)).containsEntry("error", "invalid_client_metadata");
        Map<String, Object> token = Http.json(Http.postForm(SERVER.tokenEndpoint(), client.basicHeader(),
                Map.of("grant_type", "client_credentials")));
        assertThat(token).containsEntry("scope", "read write").doesNotContainKey("refresh_token");
        assertThat(Jwts.verify(SERVER, (String) token.get("access_token"), com.nimbusds.jose.JWSAlgorithm.EdDSA).getAudience()).containsExactly(SERVER.issuer());
        assertThat(Http.json(Http.postForm(SERVER.tokenEndpoint(), client.basicHeader(),
                Map.of("grant_type", "client_credentials", "scope", "admin")))).containsEntry("error", "invalid_scope");
    }

    static Stream<Arguments> widenings() {
        return Stream.of(
                Arguments.of("scope", Map.of("scope", "read write admin")),
                Arguments.of("grant_types", Map.of("grant_types", List.of("client_credentials", "refresh_token"))),
                Arguments.of("resources", Map.of("resources", List.of("https://api.example/", "https://bank.example/"))),
                Arguments.of("introspection_audiences", Map.of("introspection_audiences", List.of("https://bank.example/"))),
                Arguments.of("access_token_ttl", Map.of("access_token_ttl", 601)),
                Arguments.of("refresh_token_ttl", Map.of("refresh_token_ttl", 31_536_000)),
                Arguments.of("refresh_token_grace_seconds", Map.of("refresh_token_grace_seconds", 1)),
                Arguments.of("refresh_token_absolute_ttl", Map.of("refresh_token_absolute_ttl", 0)),
                Arguments.of("refresh_token_absolute_ttl", Map.of("refresh_token_absolute_ttl", 86_401)),
                Arguments.of("token_endpoint_auth_method", Map.of("token_endpoint_auth_method", "client_secret_post")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("widenings")
    void eachWideningIsRefusedNamingItsMember(String member, Map<String, Object> change) {
        TestClient client = SERVER.register(REGISTERED);
        Map<String, Object> metadata = new HashMap<>(REGISTERED);
        metadata.putAll(change);

        HttpResponse<String> response = Rfc7592.update(SERVER, client, client.registrationToken(), metadata);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.json(response)).containsEntry("error", "invalid_client_metadata");
        assertThat((String) Http.json(response).get("error_description")).startsWith(member);
    }

    @Test
    void narrowingAndChangingTheFormatOrProfileIsAllowed() {
        TestClient client = SERVER.register(REGISTERED);
        Map<String, Object> metadata = new HashMap<>(REGISTERED);
        metadata.putAll(Map.of("scope", "read", "resources", List.of(), "access_token_ttl", 60,
                "refresh_token_absolute_ttl", 3600, "access_token_format", "opaque", "response_profile", "camel_case"));

        HttpResponse<String> response = Rfc7592.update(SERVER, client, client.registrationToken(), metadata);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Http.json(Http.postForm(SERVER.tokenEndpoint(), client.basicHeader(),
                Map.of("grant_type", "client_credentials")))).containsEntry("scope", "read").containsKey("accessToken");
    }

    @Test
    void theInitialAccessTokenHolderMayWiden() {
        TestClient client = SERVER.register(REGISTERED);
        Map<String, Object> metadata = new HashMap<>(REGISTERED);
        metadata.put("scope", "read write admin");

        HttpResponse<String> response = Rfc7592.update(SERVER, client, TestServer.INITIAL_ACCESS_TOKEN, metadata);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Http.json(Http.postForm(SERVER.tokenEndpoint(), client.basicHeader(),
                Map.of("grant_type", "client_credentials", "scope", "admin")))).containsEntry("scope", "admin");
    }

    @Test
    void anotherClientsRegistrationTokenChangesNothing() {
        TestClient client = SERVER.register(REGISTERED);
        TestClient other = SERVER.register(REGISTERED);

        HttpResponse<String> response = Rfc7592.update(SERVER, client, other.registrationToken(), REGISTERED);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(Http.json(response)).containsEntry("error", "invalid_token");
    }
}
