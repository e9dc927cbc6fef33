package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.server.config.ServerConfig;
import dev.latchkey.server.testing.TestServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, item 2: a second server on one SQLite data directory stops with a message, and a start
 * that cannot bind its port creates nothing (no data directory, master key or database).
 */
class StartSafetyTest {

    @Test
    void aSecondServerOnTheSameDataDirectoryStopsWithAMessageAndStartsOnceTheFirstHasStopped() throws Exception {
        try (TestServer first = TestServer.startNew(config -> config)) {
            ServerConfig second = first.config().toBuilder().port(0).build();
            assertThatThrownBy(() -> LatchkeyServer.start(second, Clock.systemUTC()))
                    .hasMessageContaining("Another Latchkey server is running on the data directory");
            first.stop();
            try (LatchkeyServer again = LatchkeyServer.start(second, Clock.systemUTC())) {
                assertThat(again.port()).isPositive();
            }
        }
    }

    @Test
    void aPortTakenByAnotherProcessStopsTheStartBeforeAnythingIsCreated(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            ServerConfig config = ServerConfig.builder().host("127.0.0.1").port(taken.getLocalPort())
                    .dataDir(dir.resolve("data")).build();
            assertThatThrownBy(() -> LatchkeyServer.start(config, Clock.systemUTC()))
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort());
            assertThat(Files.exists(dir.resolve("data"))).as("no data directory, key or database").isFalse();
        }
    }
}
