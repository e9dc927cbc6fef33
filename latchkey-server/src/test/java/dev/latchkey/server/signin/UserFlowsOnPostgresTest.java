package dev.latchkey.server.signin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.audit.Actor;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.store.jdbc.PostgresDatabase;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The user flows on PostgreSQL (the store many nodes share), in a schema of their own: a code
 * redeemed, refreshed and replayed (which revokes what it issued), and a device approved and
 * redeemed once.
 */
class UserFlowsOnPostgresTest {

    static final String PASSWORD = "henry's long password";
    static PostgresDatabase database;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        database = PostgresDatabase.create();
        server = TestServer.startNew(config -> config.withDbUrl(database.url()));
        server.server().assembly().accountManagement().createUser(Actor.commandLine(), "henry", PASSWORD.toCharArray());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void aCodeIsRedeemedRefreshedAndItsReplayRevokesEverything() {
        TestClient web = server.register(Map.of("client_name", "PG app", "grant_types",
                List.of("authorization_code", "refresh_token"), "scope", "read", "redirect_uris",
                List.of(UserFlow.REDIRECT)));
        UserFlow flow = new UserFlow(server);
        String code = AuthorizationCodeFlowTest.query(flow.authorize(web.id(), "openid offline_access read", "henry",
                PASSWORD).toString(), "code");
        Map<String, String> form = Map.of("grant_type", "authorization_code", "code", code, "redirect_uri",
                UserFlow.REDIRECT, "code_verifier", flow.verifier.getValue());
        HttpResponse<String> first = Http.postForm(server.uri("/oauth2/token"), web.basicHeader(), form);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        Map<String, Object> tokens = Http.json(first);
        HttpResponse<String> refreshed = Http.postForm(server.uri("/oauth2/token"), web.basicHeader(), Map.of(
                "grant_type", "refresh_token", "refresh_token", (String) tokens.get("refresh_token")));
        assertThat(refreshed.statusCode()).isEqualTo(200);

        assertThat(Http.json(Http.postForm(server.uri("/oauth2/token"), web.basicHeader(), form)))
                .containsEntry("error", "invalid_grant");
        HttpResponse<String> introspected = Http.postForm(server.uri("/oauth2/introspect"), web.basicHeader(),
                Map.of("token", (String) Http.json(refreshed).get("access_token")));
        assertThat(Http.json(introspected)).as("the rotated family is revoked too").containsEntry("active", false);
    }

    @Test
    void aDeviceIsApprovedAndRedeemedOnce() {
        TestClient tv = server.register(Map.of("token_endpoint_auth_method", "none", "scope", "read",
                "grant_types", List.of("urn:ietf:params:oauth:grant-type:device_code")));
        Map<String, Object> started = Http.json(Http.postForm(server.uri("/oauth2/device_authorization"), null,
                Map.of("client_id", tv.id())));
        var browser = dev.latchkey.server.dashboard.WebSession.users(server);
        browser.get("/login?next=/device");
        browser.post("/login", Map.of("username", "henry", "password", PASSWORD, "next", "/device"));
        browser.get("/device");
        browser.post("/device", Map.of("user_code", (String) started.get("user_code")));
        assertThat(browser.post("/device/consent", Map.of("consent", "allow", "user_code",
                (String) started.get("user_code"))).statusCode()).isEqualTo(200);
        Map<String, String> poll = Map.of("grant_type", "urn:ietf:params:oauth:grant-type:device_code",
                "client_id", tv.id(), "device_code", (String) started.get("device_code"));
        assertThat(Http.postForm(server.uri("/oauth2/token"), null, poll).statusCode()).isEqualTo(200);
        assertThat(Http.json(Http.postForm(server.uri("/oauth2/token"), null, poll)))
                .containsEntry("error", "invalid_grant");
    }
}
