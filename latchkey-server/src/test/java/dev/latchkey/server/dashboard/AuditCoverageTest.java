package dev.latchkey.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.audit.AuditQuery;
import dev.latchkey.server.testing.OAuth;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every state-changing route of the admin API and of the dashboard writes exactly one audit entry:
 * each is called once, for real, and the log must have grown by one. A route added without a case
 * here fails the test, so a new one cannot slip by unaudited.
 */
class AuditCoverageTest {

    @RegisterExtension
    static final TestServer SERVER = new TestServer();

    private static String token;
    private static WebSession admin;

    /** Setup, then the one measured request. */
    @FunctionalInterface
    private interface Case {
        Supplier<HttpResponse<String>> prepare();
    }

    @BeforeAll
    static void signIn() throws Exception {
        TestClient automation = SERVER.register(Map.of("scope", "latchkey:admin"));
        token = OAuth.token(SERVER, automation, new ClientCredentialsGrant(), new Scope("latchkey:admin"))
                .toSuccessResponse().getTokens().getAccessToken().getValue();
        SERVER.server().assembly().accountManagement().createAdmin(Actor.commandLine(), "root",
                "the root password".toCharArray(), false);
        admin = new WebSession(SERVER);
        assertThat(admin.signIn("root", "the root password").statusCode()).isEqualTo(303);
    }

    private static Map<String, Object> api(String method, String path, String json) {
        HttpResponse<String> response = AdminApiTest.call(SERVER, method, path, json, token);
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
        return response.body().isEmpty() ? Map.of() : AdminApiTest.json(response);
    }

    private static Map<String, Object> newClient() {
        return api("POST", "/admin/api/v1/clients", "{\"scope\":\"read\",\"grant_types\":[\"client_credentials\","
                + "\"refresh_token\"]}");
    }

    private static String newApi() {
        return (String) api("POST", "/admin/api/v1/apis", "{\"name\":\"A\",\"identifier\":\"https://api-"
                + System.nanoTime() + ".example/\",\"scopes\":[{\"value\":\"s" + System.nanoTime()
                + "\",\"restricted\":true}]}").get("api_id");
    }

    private static String restrictedScopeOf(String apiId) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> scopes = (List<Map<String, Object>>) api("GET", "/admin/api/v1/apis/" + apiId, null)
                .get("scopes");
        return (String) scopes.get(0).get("value");
    }

    private static Map<String, Object> newDeveloper() {
        return api("POST", "/admin/api/v1/accounts", "{\"username\":\"dev" + System.nanoTime() + "\"}");
    }

    private static String family(Map<String, Object> client) throws Exception {
        OAuth.clientCredentials(SERVER, new TestClient((String) client.get("client_id"),
                (String) client.get("client_secret"), null, client));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> families = (List<Map<String, Object>>) api("GET", "/admin/api/v1/clients/"
                + client.get("client_id") + "/families", null).get("items");
        return (String) families.get(0).get("family_id");
    }

    private static Map<String, Case> apiCases() {
        Map<String, Case> cases = new LinkedHashMap<>();
        String v1 = "/admin/api/v1";
        cases.put("POST " + v1 + "/clients", () -> () -> AdminApiTest.call(SERVER, "POST", v1 + "/clients", "{}", token));
        cases.put("PATCH " + v1 + "/clients/{client_id}", () -> {
            Object id = newClient().get("client_id");
            return () -> AdminApiTest.call(SERVER, "PATCH", v1 + "/clients/" + id, "{\"client_name\":\"renamed\"}", token);
        });
        cases.put("DELETE " + v1 + "/clients/{client_id}", () -> {
            Object id = newClient().get("client_id");
            return () -> AdminApiTest.call(SERVER, "DELETE", v1 + "/clients/" + id, null, token);
        });
        cases.put("POST " + v1 + "/clients/{client_id}/secrets", () -> {
            Object id = newClient().get("client_id");
            return () -> AdminApiTest.call(SERVER, "POST", v1 + "/clients/" + id + "/secrets", "{}", token);
        });
        cases.put("PATCH " + v1 + "/clients/{client_id}/secrets/{secret_id}", () -> {
            Map<String, Object> client = newClient();
            return () -> AdminApiTest.call(SERVER, "PATCH", v1 + "/clients/" + client.get("client_id") + "/secrets/"
                    + client.get("secret_id"), "{\"expires_at\":1}", token);
        });
        cases.put("DELETE " + v1 + "/clients/{client_id}/secrets/{secret_id}", () -> {
            Map<String, Object> client = newClient();
            return () -> AdminApiTest.call(SERVER, "DELETE", v1 + "/clients/" + client.get("client_id") + "/secrets/"
                    + client.get("secret_id"), null, token);
        });
        cases.put("POST " + v1 + "/clients/{client_id}/secrets/{secret_id}/rotate", () -> {
            Map<String, Object> client = newClient();
            return () -> AdminApiTest.call(SERVER, "POST", v1 + "/clients/" + client.get("client_id") + "/secrets/"
                    + client.get("secret_id") + "/rotate", "{\"overlap_seconds\":3600}", token);
        });
        cases.put("POST " + v1 + "/clients/{client_id}/revoke-tokens", () -> {
            Object id = newClient().get("client_id");
            return () -> AdminApiTest.call(SERVER, "POST", v1 + "/clients/" + id + "/revoke-tokens", null, token);
        });
        cases.put("DELETE " + v1 + "/clients/{client_id}/families/{family_id}", () -> {
            Map<String, Object> client = newClient();
            String family = unchecked(() -> family(client));
            return () -> AdminApiTest.call(SERVER, "DELETE", v1 + "/clients/" + client.get("client_id") + "/families/" + family,
                    null, token);
        });
        cases.put("POST " + v1 + "/apis", () -> () -> AdminApiTest.call(SERVER, "POST", v1 + "/apis",
                "{\"name\":\"B\",\"identifier\":\"https://b-" + System.nanoTime() + ".example/\"}", token));
        cases.put("PATCH " + v1 + "/apis/{api_id}", () -> {
            String id = newApi();
            return () -> AdminApiTest.call(SERVER, "PATCH", v1 + "/apis/" + id, "{\"name\":\"renamed\"}", token);
        });
        cases.put("DELETE " + v1 + "/apis/{api_id}", () -> {
            String id = newApi();
            return () -> AdminApiTest.call(SERVER, "DELETE", v1 + "/apis/" + id, null, token);
        });
        cases.put("POST " + v1 + "/grants", () -> {
            String scope = restrictedScopeOf(newApi());
            Object account = newDeveloper().get("account_id");
            return () -> AdminApiTest.call(SERVER, "POST", v1 + "/grants", "{\"scope\":\"" + scope + "\",\"account_id\":\""
                    + account + "\"}", token);
        });
        cases.put("DELETE " + v1 + "/grants", () -> {
            String scope = restrictedScopeOf(newApi());
            Object account = newDeveloper().get("account_id");
            api("POST", v1 + "/grants", "{\"scope\":\"" + scope + "\",\"account_id\":\"" + account + "\"}");
            return () -> AdminApiTest.call(SERVER, "DELETE", v1 + "/grants?scope=" + scope + "&account_id=" + account, null,
                    token);
        });
        cases.put("POST " + v1 + "/accounts", () -> () -> AdminApiTest.call(SERVER, "POST", v1 + "/accounts",
                "{\"username\":\"inv" + System.nanoTime() + "\"}", token));
        cases.put("PATCH " + v1 + "/accounts/{account_id}", () -> {
            Object account = newDeveloper().get("account_id");
            return () -> AdminApiTest.call(SERVER, "PATCH", v1 + "/accounts/" + account, "{\"disabled\":true}", token);
        });
        cases.put("POST " + v1 + "/accounts/{account_id}/password-reset", () -> {
            Object account = newDeveloper().get("account_id");
            return () -> AdminApiTest.call(SERVER, "POST", v1 + "/accounts/" + account + "/password-reset", null, token);
        });
        return cases;
    }

    private static Map<String, Case> pageCases() {
        Map<String, Case> cases = new LinkedHashMap<>();
        String d = "/dashboard";
        cases.put("POST " + d + "/signin", () -> {
            WebSession browser = new WebSession(SERVER);
            browser.get(d + "/signin");
            return () -> browser.post(d + "/signin", Map.of("username", "root", "password", "the root password"));
        });
        cases.put("POST " + d + "/signout", () -> {
            WebSession browser = new WebSession(SERVER);
            browser.signIn("root", "the root password");
            return () -> browser.post(d + "/signout", Map.of());
        });
        cases.put("POST " + d + "/password", () -> {
            String name = "pw" + System.nanoTime();
            SERVER.server().assembly().accountManagement().createAdmin(Actor.commandLine(), name,
                    "first long password".toCharArray(), false);
            WebSession browser = new WebSession(SERVER);
            browser.signIn(name, "first long password");
            return () -> browser.post(d + "/password", Map.of("current", "first long password",
                    "password", "second long password", "confirm", "second long password"));
        });
        cases.put("POST " + d + "/clients", () -> () -> admin.post(d + "/clients", Map.of("client_name", "page app")));
        cases.put("POST " + d + "/clients/{client_id}/settings", () -> {
            Object id = newClient().get("client_id");
            return () -> admin.post(d + "/clients/" + id + "/settings", Map.of("client_name", "renamed",
                    "grant_client_credentials", "on", "access_token_ttl", "600"));
        });
        cases.put("POST " + d + "/clients/{client_id}/access", () -> {
            Object id = newClient().get("client_id");
            return () -> admin.post(d + "/clients/" + id + "/access", Map.of());
        });
        cases.put("POST " + d + "/clients/{client_id}/secrets", () -> {
            Object id = newClient().get("client_id");
            return () -> admin.post(d + "/clients/" + id + "/secrets", Map.of("name", "n"));
        });
        for (String action : List.of("rotate", "expire", "revoke")) {
            cases.put("POST " + d + "/clients/{client_id}/secrets/{secret_id}/{action}#" + action, () -> {
                Map<String, Object> client = newClient();
                return () -> admin.post(d + "/clients/" + client.get("client_id") + "/secrets/" + client.get("secret_id")
                        + "/" + action, Map.of("overlap", "0", "expires_at", "now"));
            });
        }
        cases.put("POST " + d + "/clients/{client_id}/families/{family_id}/revoke", () -> {
            Map<String, Object> client = newClient();
            String family = unchecked(() -> family(client));
            return () -> admin.post(d + "/clients/" + client.get("client_id") + "/families/" + family + "/revoke",
                    Map.of());
        });
        for (String action : List.of("revoke-tokens", "disable", "enable", "delete")) {
            cases.put("POST " + d + "/clients/{client_id}/" + action, () -> {
                Object id = newClient().get("client_id");
                return () -> admin.post(d + "/clients/" + id + "/" + action, Map.of("confirm", "on"));
            });
        }
        cases.put("POST " + d + "/apis", () -> () -> admin.post(d + "/apis", Map.of("name", "P",
                "identifier", "https://p-" + System.nanoTime() + ".example/", "scopes", "p" + System.nanoTime() + " | x")));
        cases.put("POST " + d + "/apis/{api_id}", () -> {
            String id = newApi();
            return () -> admin.post(d + "/apis/" + id, Map.of("name", "renamed", "scopes", ""));
        });
        cases.put("POST " + d + "/apis/{api_id}/delete", () -> {
            String id = newApi();
            return () -> admin.post(d + "/apis/" + id + "/delete", Map.of());
        });
        cases.put("POST " + d + "/grants", () -> {
            String apiId = newApi();
            String scope = restrictedScopeOf(apiId);
            Object account = newDeveloper().get("account_id");
            return () -> admin.post(d + "/grants", Map.of("api_id", apiId, "scope", scope, "account_id", account.toString()));
        });
        cases.put("POST " + d + "/grants/revoke", () -> {
            String apiId = newApi();
            String scope = restrictedScopeOf(apiId);
            Object account = newDeveloper().get("account_id");
            api("POST", "/admin/api/v1/grants", "{\"scope\":\"" + scope + "\",\"account_id\":\"" + account + "\"}");
            return () -> admin.post(d + "/grants/revoke", Map.of("api_id", apiId, "scope", scope,
                    "account_id", account.toString()));
        });
        cases.put("POST " + d + "/accounts", () -> () -> admin.post(d + "/accounts",
                Map.of("username", "pinv" + System.nanoTime(), "role", "developer")));
        for (String action : List.of("disable", "enable", "role", "reset")) {
            cases.put("POST " + d + "/accounts/{account_id}/{action}#" + action, () -> {
                Object account = newDeveloper().get("account_id");
                return () -> admin.post(d + "/accounts/" + account + "/" + action, Map.of("role", "admin"));
            });
        }
        cases.put("POST " + Pages.INVITATION + "{token}", () -> {
            String link = (String) newDeveloper().get("invitation_url");
            String path = link.substring(link.indexOf("/dashboard/"));
            WebSession invited = new WebSession(SERVER);
            invited.get(path);
            return () -> invited.post(path, Map.of("password", "an invited password", "confirm", "an invited password"));
        });
        return cases;
    }

    private static <T> T unchecked(java.util.concurrent.Callable<T> work) {
        try {
            return work.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int auditSize() {
        return SERVER.server().assembly().stores().audit().list(AuditQuery.latest(100_000)).size();
    }

    @Test
    void everyStateChangingRouteWritesExactlyOneAuditEntry() {
        Map<String, Case> cases = new LinkedHashMap<>(apiCases());
        cases.putAll(pageCases());
        List<Route> routes = new ArrayList<>(new AdminApi(() -> null, 1000).routes());
        routes.addAll(new Pages(() -> null).routes());
        TreeSet<String> uncovered = new TreeSet<>();
        for (Route route : routes) {
            String key = route.method() + " " + route.pattern();
            if (!route.method().equals("GET") && cases.keySet().stream().noneMatch(
                    c -> c.equals(key) || c.startsWith(key + "#"))) {
                uncovered.add(key);
            }
        }
        assertThat(uncovered).as("state-changing routes without an audit case").isEmpty();
        assertThat(cases).as("17 admin API routes, 26 page actions").hasSize(43);

        List<String> wrong = new ArrayList<>();
        cases.forEach((name, test) -> {
            Supplier<HttpResponse<String>> request = test.prepare();
            int before = auditSize();
            HttpResponse<String> response = request.get();
            int written = auditSize() - before;
            if (response.statusCode() >= 400 || written != 1) {
                List<AuditEvent> last = SERVER.server().assembly().stores().audit().list(AuditQuery.latest(Math.max(1, written)));
                wrong.add(name + ": " + response.statusCode() + ", " + written + " entries "
                        + last.stream().map(AuditEvent::action).toList());
            }
        });
        assertThat(wrong).isEmpty();
    }
}
