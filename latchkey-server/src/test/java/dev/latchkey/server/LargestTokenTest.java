package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.key.SigningAlgorithm;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12, item 10: every token the server can issue is accepted back by its own introspection
 * and revocation endpoints. The largest: the longest scope and the most and longest resources a
 * client may register, all named in one request, signed with the algorithm of the longest signature.
 */
class LargestTokenTest {

    @RegisterExtension
    static final TestServer SERVER = new TestServer(config -> config.withSigningAlgorithm(SigningAlgorithm.RS256));

    @Test
    void theLargestJwtTheServerCanIssueIsIntrospectedAndRevoked() {
        String scope = IntStream.range(0, 1000).mapToObj(i -> "s" + i).collect(Collectors.joining(" "))
                .substring(0, ClientMetadata.MAX_SCOPE_CHARS).trim();
        List<String> resources = new ArrayList<>();
        for (int i = 0; i < ClientMetadata.MAX_RESOURCES; i++) {
            String prefix = "https://api" + i + ".example/";
            resources.add(prefix + "r".repeat(ClientMetadata.MAX_RESOURCE_CHARS - prefix.length()));
        }
        TestClient client = SERVER.register(Map.of("scope", scope, "resources", resources));
        StringBuilder form = new StringBuilder("grant_type=client_credentials");
        resources.forEach(resource -> form.append("&resource=").append(resource));
        var response = Http.send(java.net.http.HttpRequest.newBuilder(SERVER.tokenEndpoint())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", client.basicHeader())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form.toString())).build());
        String jwt = (String) Http.json(response).get("access_token");
        assertThat(jwt).as(response.body()).isNotNull();

        assertThat(Http.json(introspect(client, jwt))).containsEntry("active", true);
        assertThat(Http.postForm(SERVER.uri("/oauth2/revoke"), client.basicHeader(), Map.of("token", jwt))
                .statusCode()).isEqualTo(200);
        assertThat(Http.json(introspect(client, jwt))).containsEntry("active", false);
    }

    private static java.net.http.HttpResponse<String> introspect(TestClient client, String token) {
        return Http.postForm(SERVER.uri("/oauth2/introspect"), client.basicHeader(), Map.of("token", token));
    }
}
