package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12, item 3: no request, authenticated or not, adds a metric series of its own. Labels come
 * from the route table; a path no route has is {@code unmatched}.
 */
class MetricsCardinalityTest {

    @RegisterExtension
    static final TestServer SERVER = new TestServer();

    @Test
    void aThousandDistinctUnknownPathsWithBadBodiesAddNoSeries() throws Exception {
        // Once of each kind first, so that whatever series these failures add exist already.
        oversizedBody("/warm-up");
        malformedChunk("/warm-up");
        series(); // and a scrape, which is itself counted under /metrics
        List<String> before = series();

        for (int i = 0; i < 500; i++) {
            oversizedBody("/no-such-path-" + i + "-" + "p".repeat(200));
            malformedChunk("/no-such-chunk-" + i + "-" + "c".repeat(200));
        }

        List<String> after = series();
        assertThat(after).hasSameSizeAs(before);
        assertThat(String.join("\n", after)).doesNotContain("no-such").contains("endpoint=\"unmatched\"");
    }

    @Test
    void aBadBodyOnAKnownRouteIsCountedUnderItsRoute() throws Exception {
        oversizedBody("/oauth2/token");

        assertThat(series()).anyMatch(line -> line.contains("endpoint=\"/oauth2/token\""));
    }

    private static List<String> series() {
        return Http.get(SERVER.uri("/metrics")).body().lines()
                .filter(line -> line.startsWith("latchkey_"))
                .toList();
    }

    private static void oversizedBody(String path) {
        int status = Http.send(HttpRequest.newBuilder(SERVER.uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[70 * 1024])).build()).statusCode();
        assertThat(status).isEqualTo(413);
    }

    /** A chunked body whose chunk size is not hexadecimal: the body cannot be read. */
    private static void malformedChunk(String path) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", SERVER.uri("/").getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "zz\r\nnot a chunk\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(status).startsWith("HTTP/1.1 4");
        }
    }
}
