package dev.latchkey.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.OAuth;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin API over real HTTP, with an access token of Latchkey's own that the Nimbus SDK fetches
 * for a client holding {@code latchkey:admin}; its wire shapes; its problems; its OpenAPI document.
 */
class AdminApiTest {

    @RegisterExtension
    static final TestServer SERVER = new TestServer();

    static String adminToken;
    static TestClient automation;

    @BeforeAll
    static void adminToken() throws Exception {
        automation = SERVER.register(Map.of("scope", "latchkey:admin read"));
        adminToken = OAuth.token(SERVER, automation, new ClientCredentialsGrant(), new Scope("latchkey:admin"))
                .toSuccessResponse().getTokens().getAccessToken().getValue();
    }

    static HttpResponse<String> call(String method, String path, String json, String token) {
        return call(SERVER, method, path, json, token);
    }

    /** One request to the admin API of {@code server}, with a bearer token unless null. */
    static HttpResponse<String> call(TestServer server, String method, String path, String json, String token) {
        return Http.json(server, method, path, json, token);
    }

    static HttpResponse<String> call(String method, String path, String json) {
        return call(method, path, json, adminToken);
    }

    static Map<String, Object> json(HttpResponse<String> response) {
        return Http.json(response);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> items(HttpResponse<String> response) {
        return (List<Map<String, Object>>) json(response).get("items");
    }

    private static boolean authenticates(String clientId, String secret) throws Exception {
        return OAuth.token(SERVER, new TestClient(clientId, secret, null, Map.of()), new ClientCredentialsGrant(), null)
                .indicatesSuccess();
    }

    @Test
    void withoutCredentialsEveryRouteButTheDocumentIs401WithAChallengeAndAProblem() {
        for (Route route : new AdminApi(() -> null, 1000).routes()) {
            String path = route.pattern().replaceAll("\\{[a-z_]+}", "x");
            HttpResponse<String> response = call(route.method(), path, route.method().equals("GET") ? null : "{}", null);
            if (route.pattern().equals(AdminApi.OPENAPI)) {
                assertThat(response.statusCode()).isEqualTo(200);
                continue;
            }
            assertThat(response.statusCode()).as(route.method() + " " + path).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    challenge -> assertThat(challenge).startsWith("Bearer"));
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(json(response)).containsEntry("status", 401).containsEntry("type", "about:blank")
                    .containsKey("detail");
        }
    }

    @Test
    void aTokenWithoutTheAdminScopeIs403AndAnInvalidOneIs401() throws Exception {
        String readOnly = OAuth.token(SERVER, automation, new ClientCredentialsGrant(), new Scope("read"))
                .toSuccessResponse().getTokens().getAccessToken().getValue();
        HttpResponse<String> forbidden = call("GET", "/admin/api/v1/clients", null, readOnly);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("insufficient_scope");

        HttpResponse<String> invalid = call("GET", "/admin/api/v1/clients", null, "not-a-token");
        assertThat(invalid.statusCode()).isEqualTo(401);
        assertThat(invalid.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");

        HttpResponse<String> tampered = call("GET", "/admin/api/v1/clients", null, adminToken + "x");
        assertThat(tampered.statusCode()).isEqualTo(401);
    }

    @Test
    void clientsAreCreatedLikeRegistrationsAndListedInCursorPages() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> created = call("POST", "/admin/api/v1/clients",
                    "{\"client_name\":\"paged " + i + "\",\"scope\":\"read\"}");
            assertThat(created.statusCode()).isEqualTo(201);
            assertThat(json(created)).containsKeys("client_id", "client_secret", "secret_id")
                    .containsEntry("client_name", "paged " + i).containsEntry("client_secret_expires_at", 0);
            ids.add((String) json(created).get("client_id"));
            SERVER.clock().advance(Duration.ofSeconds(1));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            HttpResponse<String> page = call("GET", "/admin/api/v1/clients?search=paged&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor), null);
            assertThat(page.statusCode()).isEqualTo(200);
            items(page).forEach(client -> seen.add((String) client.get("client_id")));
            assertThat(items(page)).allSatisfy(client -> assertThat(client).containsKeys("secrets", "status", "owner"));
            cursor = (String) json(page).get("next_cursor");
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        java.util.Collections.reverse(ids);
        assertThat(seen).as("newest first").containsExactlyElementsOf(ids);

        assertThat(call("GET", "/admin/api/v1/clients?limit=0", null).statusCode()).isEqualTo(400);
        assertThat(call("GET", "/admin/api/v1/clients?cursor=%25zz", null).statusCode()).isEqualTo(400);
        assertThat(call("GET", "/admin/api/v1/clients?cursor=bm90LWEtY3Vyc29y", null).statusCode()).isEqualTo(400);
        HttpResponse<String> missing = call("GET", "/admin/api/v1/clients/no-such-client", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing)).containsEntry("title", "Not Found");
        assertThat(call("POST", "/admin/api/v1/clients", "{\"scope\":", adminToken).statusCode()).isEqualTo(400);
        assertThat(call("POST", "/admin/api/v1/clients", "{\"grant_types\":[\"password\"]}").statusCode()).isEqualTo(400);
    }

    @Test
    void secretsAreListedWithoutValuesAddedShownOnceExpiredAndRevoked() throws Exception {
        Map<String, Object> created = json(call("POST", "/admin/api/v1/clients", "{\"scope\":\"read\"}"));
        String clientId = (String) created.get("client_id");
        String first = (String) created.get("client_secret");
        String base = "/admin/api/v1/clients/" + clientId + "/secrets";

        List<Map<String, Object>> listed = items(call("GET", base, null));
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0)).containsKeys("secret_id", "name", "created_at", "last_used_at", "expires_at")
                .doesNotContainKey("client_secret");
        assertThat(call("GET", base, null).body()).doesNotContain(first);

        HttpResponse<String> added = call("POST", base, "{\"name\":\"second\"}");
        assertThat(added.statusCode()).isEqualTo(201);
        String second = (String) json(added).get("client_secret");
        String secondId = (String) json(added).get("secret_id");
        assertThat(authenticates(clientId, first)).isTrue();
        assertThat(authenticates(clientId, second)).isTrue();

        long past = SERVER.clock().instant().getEpochSecond() - 1;
        HttpResponse<String> expired = call("PATCH", base + "/" + listed.get(0).get("secret_id"),
                "{\"expires_at\":" + past + "}");
        assertThat(expired.statusCode()).isEqualTo(200);
        assertThat(json(expired)).containsEntry("live", false);
        assertThat(authenticates(clientId, first)).as("a time past expires it at once").isFalse();
        assertThat(call("POST", base, "{}").statusCode()).as("two live").isEqualTo(201);
        assertThat(call("POST", base, "{}").statusCode()).as("three live: the expired one does not count")
                .isEqualTo(201);
        HttpResponse<String> fourth = call("POST", base, "{}");
        assertThat(fourth.statusCode()).isEqualTo(409);
        assertThat(json(fourth)).containsEntry("title", "Conflict");

        assertThat(call("DELETE", base + "/" + secondId, null).statusCode()).isEqualTo(204);
        assertThat(authenticates(clientId, second)).isFalse();
        assertThat(call("DELETE", base + "/" + secondId, null).statusCode()).isEqualTo(404);
        assertThat(call("PATCH", base + "/x", "{\"expires_at\":\"soon\"}").statusCode()).isEqualTo(400);
    }

    @Test
    void revokingEverythingMakesTheEarlierJwtIntrospectInactive() throws Exception {
        Map<String, Object> created = json(call("POST", "/admin/api/v1/clients", "{\"scope\":\"read\"}"));
        TestClient client = new TestClient((String) created.get("client_id"), (String) created.get("client_secret"),
                null, created);
        String jwt = OAuth.clientCredentials(SERVER, client).getTokens().getAccessToken().getValue();
        assertThat(OAuth.introspect(SERVER, client, jwt).isActive()).isTrue();

        assertThat(call("POST", "/admin/api/v1/clients/" + client.id() + "/revoke-tokens", null).statusCode())
                .isEqualTo(204);

        assertThat(OAuth.introspect(SERVER, client, jwt).isActive()).isFalse();
    }

    @Test
    void apisAuditEventsAndAccountsHaveTheirWireShapes() {
        HttpResponse<String> api = call("POST", "/admin/api/v1/apis", "{\"name\":\"Orders\","
                + "\"identifier\":\"https://orders.example/\",\"scopes\":[{\"value\":\"orders:read\","
                + "\"description\":\"Read orders\",\"restricted\":false},{\"value\":\"orders:export\","
                + "\"description\":\"Export\",\"restricted\":true}]}");
        assertThat(api.statusCode()).isEqualTo(201);
        assertThat(json(api)).containsKeys("api_id").containsEntry("identifier", "https://orders.example/");
        assertThat(call("POST", "/admin/api/v1/apis", "{\"name\":\"Again\",\"identifier\":\"https://x.example/\","
                + "\"scopes\":[{\"value\":\"orders:read\"}]}").statusCode()).as("a scope names one API").isEqualTo(409);
        assertThat(items(call("GET", "/admin/api/v1/apis", null))).extracting(a -> a.get("name")).contains("Orders");

        HttpResponse<String> invited = call("POST", "/admin/api/v1/accounts", "{\"username\":\"dev1\",\"role\":\"developer\"}");
        assertThat(invited.statusCode()).isEqualTo(201);
        assertThat((String) json(invited).get("invitation_url")).startsWith(SERVER.issuer() + "/dashboard/invitation/");
        String accountId = (String) json(invited).get("account_id");
        assertThat(call("POST", "/admin/api/v1/grants", "{\"scope\":\"orders:export\",\"account_id\":\"" + accountId
                + "\"}").statusCode()).isEqualTo(204);
        assertThat(items(call("GET", "/admin/api/v1/grants", null))).contains(Map.of("scope", "orders:export",
                "account_id", accountId));
        assertThat(call("POST", "/admin/api/v1/grants", "{\"scope\":\"orders:read\",\"account_id\":\"" + accountId
                + "\"}").statusCode()).as("a public scope needs no grant").isEqualTo(400);
        HttpResponse<String> promoted = call("PATCH", "/admin/api/v1/accounts/" + accountId, "{\"role\":\"admin\"}");
        assertThat(json(promoted)).containsEntry("role", "admin").containsEntry("status", "invited");

        List<Map<String, Object>> events = items(call("GET", "/admin/api/v1/audit-events?limit=3", null));
        assertThat(events).hasSize(3);
        assertThat(events.get(0)).containsKeys("time", "actor", "action", "target")
                .containsEntry("action", "account.role").containsEntry("actor", "client:" + automation.id());
        assertThat((String) events.get(0).get("time")).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z");
        assertThat(items(call("GET", "/admin/api/v1/audit-events?action=api.create", null)))
                .allSatisfy(event -> assertThat(event).containsEntry("action", "api.create"));

        HttpResponse<String> export = call("GET", "/admin/api/v1/audit-events/export?action=api.create", null);
        assertThat(export.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/jsonl");
        assertThat(export.body().lines()).isNotEmpty().allSatisfy(line -> assertThat(Http.json(line))
                .containsEntry("action", "api.create"));

        assertThat(items(call("GET", "/admin/api/v1/keys", null))).extracting(k -> k.get("status")).contains("current");
    }

    @Test
    void theOpenApiDocumentParsesAndDescribesExactlyTheRoutes() {
        HttpResponse<String> document = call("GET", AdminApi.OPENAPI, null, null);
        assertThat(document.statusCode()).isEqualTo(200);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(document.body());
        assertThat(parsed.getMessages()).as("validation messages").isEmpty();
        OpenAPI api = parsed.getOpenAPI();
        assertThat(api.getOpenapi()).isEqualTo("3.1.0");

        Set<String> documented = new TreeSet<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().keySet()
                .forEach(method -> documented.add(method.name() + " " + path)));
        Set<String> served = new TreeSet<>();
        for (Route route : new AdminApi(() -> null, 1000).routes()) {
            served.add(route.method().toUpperCase(Locale.ROOT) + " " + route.pattern());
        }
        assertThat(documented).isEqualTo(served);

        Set<String> operationIds = new HashSet<>();
        for (PathItem item : api.getPaths().values()) {
            item.readOperations().forEach(operation -> assertThat(operationIds.add(operation.getOperationId()))
                    .as("unique operationId " + operation.getOperationId()).isTrue());
        }
    }
}
