package dev.latchkey.server.signin;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.core.audit.Actor;
import dev.latchkey.server.dashboard.WebSession;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The device authorization grant, RFC 8628, over HTTP on a server whose clock the test moves: the
 * device starts, polls (pending, slow_down, recovery), a person signs in on the verification page,
 * enters the code and allows or denies; the device gets the user's tokens once.
 */
class DeviceFlowTest {

    @RegisterExtension
    static final TestServer SERVER = new TestServer(config -> config);

    static final String PASSWORD = "dave's long password!";
    static TestClient tv;

    @BeforeAll
    static void setUp() {
        SERVER.server().assembly().accountManagement().createUser(Actor.commandLine(), "dave", PASSWORD.toCharArray());
        tv = SERVER.register(Map.of("client_name", "Living Room TV", "token_endpoint_auth_method", "none",
                "grant_types", List.of("urn:ietf:params:oauth:grant-type:device_code", "refresh_token"),
                "scope", "read"));
    }

    static Map<String, Object> start(String scope) {
        HttpResponse<String> response = Http.postForm(SERVER.uri("/oauth2/device_authorization"), null,
                Map.of("client_id", tv.id(), "scope", scope));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        return Http.json(response);
    }

    static HttpResponse<String> poll(Object deviceCode) {
        return Http.postForm(SERVER.uri("/oauth2/token"), null, Map.of("grant_type",
                "urn:ietf:params:oauth:grant-type:device_code", "client_id", tv.id(), "device_code", (String) deviceCode));
    }

    static String error(HttpResponse<String> response) {
        return (String) Http.json(response).get("error");
    }

    /** A person signs in on the verification page and answers the code with allow or deny. */
    static HttpResponse<String> answer(Object userCode, String choice) {
        WebSession browser = WebSession.users(SERVER);
        HttpResponse<String> start = browser.get("/device?user_code=" + userCode);
        assertThat(UserFlow.location(start)).startsWith("/login?next=");
        browser.get(UserFlow.location(start));
        HttpResponse<String> login = browser.post("/login", Map.of("username", "dave", "password", PASSWORD,
                "next", "/device?user_code=" + userCode));
        HttpResponse<String> form = browser.get(UserFlow.location(login));
        assertThat(form.body()).contains("name=\"user_code\"").contains("value=\"" + userCode + "\"")
                .contains("Continue only if you started this on your own device");
        HttpResponse<String> consent = browser.post("/device", Map.of("user_code", (String) userCode));
        assertThat(consent.body()).contains("Living Room TV").contains("value=\"allow\"");
        return browser.post("/device/consent", Map.of("consent", choice,
                "user_code", ((String) userCode).replace("-", "")));
    }

    @Test
    void aDeviceStartsPollsAndGetsTheUsersTokensOnceThePersonAllows() throws Exception {
        Map<String, Object> started = start("openid offline_access read");
        assertThat((String) started.get("user_code")).matches("[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}");
        assertThat(started).containsEntry("verification_uri", SERVER.issuer() + "/device")
                .containsEntry("verification_uri_complete", SERVER.issuer() + "/device?user_code="
                        + started.get("user_code"))
                .containsEntry("expires_in", 600).containsEntry("interval", 5);
        Object deviceCode = started.get("device_code");

        assertThat(error(poll(deviceCode))).isEqualTo("authorization_pending");
        assertThat(error(poll(deviceCode))).as("polling without waiting").isEqualTo("slow_down");
        SERVER.clock().advance(Duration.ofSeconds(6));
        assertThat(error(poll(deviceCode))).as("the interval grew to 10 s").isEqualTo("slow_down");
        SERVER.clock().advance(Duration.ofSeconds(16));
        assertThat(error(poll(deviceCode))).as("the client complied").isEqualTo("authorization_pending");
        SERVER.clock().advance(Duration.ofSeconds(6));
        assertThat(error(poll(deviceCode))).as("the interval is back to 5 s").isEqualTo("authorization_pending");

        HttpResponse<String> done = answer(started.get("user_code"), "allow");
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).contains("You may return to your device");

        SERVER.clock().advance(Duration.ofSeconds(6));
        HttpResponse<String> tokens = poll(deviceCode);
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        Map<String, Object> body = Http.json(tokens);
        assertThat(body).containsKeys("access_token", "refresh_token", "id_token");
        String user = SignedJWT.parse((String) body.get("access_token")).getJWTClaimsSet().getSubject();
        assertThat(user).startsWith("usr_");
        assertThat(SERVER.server().assembly().stores().authorizations().consent(user, tv.id()))
                .as("the approval is remembered as a consent: Connected apps shows its scopes")
                .hasValueSatisfying(consent -> assertThat(consent.scope().values())
                        .contains("openid", "offline_access", "read"));

        SERVER.clock().advance(Duration.ofSeconds(6));
        assertThat(error(poll(deviceCode))).as("a device code works once").isEqualTo("invalid_grant");
        HttpResponse<String> refresh = Http.postForm(SERVER.uri("/oauth2/token"), null, Map.of("grant_type",
                "refresh_token", "client_id", tv.id(), "refresh_token", (String) body.get("refresh_token")));
        assertThat(error(refresh)).as("its replay revoked what it issued").isEqualTo("invalid_grant");
    }

    @Test
    void aDeniedDeviceGetsAccessDenied() {
        Map<String, Object> started = start("read");
        assertThat(answer(started.get("user_code"), "deny").body()).contains("refused");
        assertThat(error(poll(started.get("device_code")))).isEqualTo("access_denied");
    }

    @Test
    void anUnansweredDeviceCodeExpires() {
        Map<String, Object> started = start("read");
        SERVER.clock().advance(Duration.ofSeconds(601));
        assertThat(error(poll(started.get("device_code")))).isEqualTo("expired_token");
    }

    @Test
    void guessingUserCodesLocksEntryAfterFiveWrongOnes() {
        WebSession browser = WebSession.users(SERVER);
        browser.get("/login?next=/device");
        HttpResponse<String> login = browser.post("/login", Map.of("username", "dave", "password", PASSWORD,
                "next", "/device"));
        assertThat(UserFlow.location(login)).isEqualTo("/device");
        browser.get("/device");
        try {
            for (int i = 0; i < 5; i++) {
                assertThat(browser.post("/device", Map.of("user_code", "BBBB-BBB" + "CDFGH".charAt(i))).statusCode())
                        .isEqualTo(400);
            }
            Map<String, Object> started = start("read");
            HttpResponse<String> locked = browser.post("/device", Map.of("user_code",
                    (String) started.get("user_code")));
            assertThat(locked.statusCode()).as("even the right code, once locked").isEqualTo(429);
        } finally {
            SERVER.clock().advance(Duration.ofMinutes(16)); // the lock ends for the other tests of this user
        }
    }

    @Test
    void theDeviceEndpointChecksTheClientAndTheScope() {
        HttpResponse<String> wide = Http.postForm(SERVER.uri("/oauth2/device_authorization"), null,
                Map.of("client_id", tv.id(), "scope", "admin"));
        assertThat(error(wide)).isEqualTo("invalid_scope");
        TestClient machine = SERVER.register(Map.of("scope", "read"));
        HttpResponse<String> notRegistered = Http.postForm(SERVER.uri("/oauth2/device_authorization"),
                machine.basicHeader(), Map.of("scope", "read"));
        assertThat(error(notRegistered)).isEqualTo("unauthorized_client");
        HttpResponse<String> stranger = Http.postForm(SERVER.uri("/oauth2/device_authorization"), null,
                Map.of("client_id", "nobody"));
        assertThat(stranger.statusCode()).isEqualTo(401);
    }

    @Test
    void signInNeverRedirectsToAnotherOrigin() {
        WebSession browser = WebSession.users(SERVER);
        for (String next : List.of("https://evil.example/", "//evil.example/", "/\\evil.example")) {
            browser.get("/login?next=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8));
            HttpResponse<String> login = browser.post("/login", Map.of("username", "dave", "password", PASSWORD,
                    "next", next));
            assertThat(UserFlow.location(login)).as(next).isEqualTo("/account");
        }
    }
}
