package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import dev.latchkey.server.cli.Commands;
import dev.latchkey.server.config.DataDirectory;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.LogCapture;
import dev.latchkey.server.testing.OAuth;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A whole token life cycle, with every log line captured: none may contain a secret. */
class NoSecretsInLogsTest {

    @Test
    void fullCycleLogsNoTokenSecretOrKey() throws Exception {
        List<String> secrets = new ArrayList<>();
        List<String> lines;
        try (LogCapture logs = new LogCapture();
             TestServer server = TestServer.startNew(config -> config.withInitialAccessToken(null).toBuilder()
                     .accessLog(true).build())) {
            secrets.add(Files.readString(server.dataDir().resolve(DataDirectory.INITIAL_ACCESS_TOKEN_FILE)).trim());
            secrets.add(Files.readString(server.dataDir().resolve(DataDirectory.MASTER_KEY_FILE)).trim());
            TestClient client = registerWith(server, secrets.get(0));
            secrets.add(client.secret());
            secrets.add(client.registrationToken());

            AccessTokenResponse first = OAuth.clientCredentials(server, client);
            AccessTokenResponse second = OAuth.refresh(server, client, first.getTokens().getRefreshToken().getValue())
                    .toSuccessResponse();
            for (AccessTokenResponse response : List.of(first, second)) {
                secrets.add(response.getTokens().getAccessToken().getValue());
                secrets.add(response.getTokens().getRefreshToken().getValue());
            }
            OAuth.introspect(server, client, first.getTokens().getAccessToken().getValue());
            OAuth.refresh(server, client, first.getTokens().getRefreshToken().getValue()); // reuse: family revoked, logged
            OAuth.revoke(server, client, new RefreshToken(second.getTokens().getRefreshToken().getValue()));
            Http.postForm(server.tokenEndpoint(), "Basic " + java.util.Base64.getEncoder().encodeToString(
                    (client.id() + ":wrong-" + client.secret()).getBytes()), Map.of("grant_type", "client_credentials"));
            Http.postForm(server.tokenEndpoint(), null, Map.of("grant_type", "refresh_token",
                    "refresh_token", second.getTokens().getRefreshToken().getValue(),
                    "client_id", client.id(), "client_secret", client.secret()));

            StringWriter out = new StringWriter();
            Commands.commandLine().setOut(new PrintWriter(out)).execute("client", "create", "--scope", "read",
                    "--data-dir", server.dataDir().toString());
            Map<String, Object> created = Http.json(out.toString());
            secrets.add((String) created.get("client_secret"));
            secrets.add((String) created.get("registration_access_token"));
            Commands.commandLine().setOut(new PrintWriter(new StringWriter())).execute("keys", "rotate",
                    "--data-dir", server.dataDir().toString());

            // A token in a query string (where it does not belong): the access log never prints a query.
            Http.get(server.uri("/userinfo?access_token=" + second.getTokens().getAccessToken().getValue()));
            Http.send(HttpRequest.newBuilder(server.uri("/oauth2/register/" + client.id()))
                    .header("Authorization", "Bearer " + client.registrationToken()).DELETE().build());
            lines = new ArrayList<>(logs.lines());
            assertThat(lines).as("the access log (--access-log) is among them")
                    .anyMatch(line -> line.contains("POST /oauth2/token 200"))
                    .anyMatch(line -> line.contains("GET /userinfo 401"));
            // The same events as --log-format json writes them (issue 16): one parseable object each.
            EcsJsonLine json = new EcsJsonLine();
            for (var event : logs.events()) {
                String line = json.doLayout(event);
                assertThat(Http.json(line)).containsKeys("@timestamp", "log.level", "message", "ecs.version");
                lines.add(line);
            }
        }

        dev.latchkey.server.LogbackConfigurator.accessLog(false);
        assertThat(lines).as("the cycle was logged at all").isNotEmpty();
        assertThat(secrets).allSatisfy(secret -> assertThat(secret).hasSizeGreaterThan(20));
        for (String secret : secrets) {
            assertThat(lines).noneMatch(line -> line.contains(secret));
        }
    }

    private static TestClient registerWith(TestServer server, String initialAccessToken) {
        var response = Http.send(HttpRequest.newBuilder(server.uri("/oauth2/register"))
                .header("Authorization", "Bearer " + initialAccessToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"grant_types\":[\"client_credentials\",\"refresh_token\"],\"scope\":\"read\"}"))
                .build());
        assertThat(response.statusCode()).isEqualTo(201);
        Map<String, Object> body = Http.json(response);
        return new TestClient((String) body.get("client_id"), (String) body.get("client_secret"),
                (String) body.get("registration_access_token"), body);
    }
}
