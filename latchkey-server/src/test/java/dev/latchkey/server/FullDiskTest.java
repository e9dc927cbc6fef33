package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.LogCapture;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 13: the store cannot write (a full disk, simulated with SQLite's max_page_count,
 * which fails writes with SQLITE_FULL as a full disk does): readiness says so, every write answers
 * 503, and the log says what is wrong once instead of a stack trace per batch.
 */
class FullDiskTest {

    @Test
    void aStoreThatCannotWriteIsNotReadyAndIsLoggedOnceWithItsCause() {
        try (LogCapture logs = new LogCapture();
             TestServer server = TestServer.startNew(config -> config.withDbUrl(
                     "jdbc:sqlite:" + config.dataDir().resolve("latchkey.db") + "?max_page_count=80"))) {
            TestClient client = server.register(Map.of("scope", "read", "access_token_format", "opaque"));
            int issued = 0;
            int refused = 0;
            for (int i = 0; i < 3000 && refused < 200; i++) {
                HttpResponse<String> response = Http.postForm(server.tokenEndpoint(), client.basicHeader(),
                        Map.of("grant_type", "client_credentials"));
                if (response.statusCode() == 200) {
                    issued++;
                } else {
                    assertThat(response.statusCode()).isEqualTo(503);
                    assertThat(Http.json(response)).containsEntry("error", "temporarily_unavailable");
                    refused++;
                }
            }

            assertThat(issued).as("tokens fit before the store filled up").isPositive();
            assertThat(refused).isEqualTo(200);
            assertThat(Http.get(server.uri("/health")).statusCode()).isEqualTo(503);
            assertThat(logs.warnings()).as("one line when it starts, summaries while it lasts")
                    .hasSizeLessThanOrEqualTo(6)
                    .anyMatch(line -> line.contains("the disk or the database is full (SQLITE_FULL)"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
