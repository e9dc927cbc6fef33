package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.server.web.Routes;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clients that stop in the middle of a request body hold no HTTP thread: with a few threads per
 * core, more stalled clients than threads, on any endpoint, must not stop the server for everyone
 * else until Jetty's idle timeout (30 s).
 */
class SlowClientsTest {

    @RegisterExtension
    static final TestServer SERVER = new TestServer();

    @Test
    void clientsStalledMidBodyDoNotHoldUpOtherRequests() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read"));
        int stalled = 3 * SERVER.config().maxThreads();
        List<Socket> sockets = new ArrayList<>();
        try {
            List<String> paths = List.of(Routes.TOKEN, Routes.INTROSPECT, Routes.REVOKE, Routes.REGISTER);
            for (int i = 0; i < stalled; i++) {
                sockets.add(stallMidBody(SERVER.uri(paths.get(i % paths.size()))));
            }
            // Every stalled request has reached the server and waits for the rest of its body.
            await().atMost(Duration.ofSeconds(30)).until(() -> pendingBodies() >= stalled);

            HttpResponse<String> token = postWithin5s(Routes.TOKEN, client, "grant_type=client_credentials");
            assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
            String issued = "token=" + Http.json(token).get("access_token");
            assertThat(Http.json(postWithin5s(Routes.INTROSPECT, client, issued))).containsEntry("active", true);
            HttpResponse<String> revocation = postWithin5s(Routes.REVOKE, client, issued);
            assertThat(revocation.statusCode()).as(revocation.body()).isEqualTo(200);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    private static double pendingBodies() {
        return Http.get(SERVER.uri("/metrics")).body().lines()
                .filter(line -> line.startsWith("latchkey_http_request_bodies_pending "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(' ') + 1)))
                .findFirst().orElse(0);
    }

    private static HttpResponse<String> postWithin5s(String path, TestClient client, String form) {
        return Http.send(HttpRequest.newBuilder(SERVER.uri(path)).timeout(Duration.ofSeconds(5))
                .header("Authorization", client.basicHeader())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    /** Sends the headers and the first bytes of a body that promises 100, then nothing more. */
    private static Socket stallMidBody(URI uri) throws Exception {
        Socket socket = new Socket(uri.getHost(), uri.getPort());
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type=")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }
}
