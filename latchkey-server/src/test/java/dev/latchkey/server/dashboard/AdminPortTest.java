package dev.latchkey.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.OAuth;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code --admin-port}: the dashboard and the admin API move to a listener of their own, and the
 * token service stays on the main one; neither answers for the other.
 */
class AdminPortTest {

    @RegisterExtension
    static final TestServer SERVER = new TestServer(config -> config.toBuilder().adminPort(0).build());

    private static URI main(String path) {
        return SERVER.uri(path);
    }

    private static URI admin(String path) {
        return URI.create("http://127.0.0.1:" + SERVER.server().adminPort() + path);
    }

    @Test
    void theDashboardAndTheAdminApiAnswerOnlyOnTheAdminPort() {
        assertThat(SERVER.server().adminPort()).isNotEqualTo(SERVER.server().port());
        for (String path : List.of("/dashboard/signin", "/dashboard/", "/admin/api/openapi.json",
                "/admin/api/v1/clients", "/dashboard/assets/latchkey.css")) {
            assertThat(Http.get(main(path)).statusCode()).as("main port: " + path).isEqualTo(404);
        }
        assertThat(Http.get(admin("/dashboard/signin")).statusCode()).isEqualTo(200);
        assertThat(Http.get(admin("/admin/api/openapi.json")).statusCode()).isEqualTo(200);
        assertThat(Http.get(admin("/admin/api/v1/clients")).statusCode()).as("no credentials").isEqualTo(401);
        assertThat(Http.get(admin("/health")).statusCode()).as("both listeners report readiness").isEqualTo(200);
    }

    @Test
    void theTokenServiceAnswersOnlyOnTheMainPort() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read"));
        assertThat(OAuth.clientCredentials(SERVER, client).getTokens().getAccessToken()).isNotNull();
        assertThat(Http.get(main("/.well-known/oauth-authorization-server")).statusCode()).isEqualTo(200);

        for (String path : List.of("/oauth2/token", "/oauth2/introspect", "/oauth2/revoke", "/oauth2/register")) {
            assertThat(Http.postForm(admin(path), client.basicHeader(), Map.of("grant_type", "client_credentials"))
                    .statusCode()).as("admin port: " + path).isEqualTo(404);
        }
        for (String path : List.of("/oauth2/jwks", "/.well-known/oauth-authorization-server", "/metrics")) {
            assertThat(Http.get(admin(path)).statusCode()).as("admin port: " + path).isEqualTo(404);
        }
    }
}
