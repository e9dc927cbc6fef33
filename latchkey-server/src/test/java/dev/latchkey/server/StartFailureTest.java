package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.TestServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTP server starts while the service opens its store and keys on another thread: a failure
 * of the latter must still fail the start, with its own message, and leave no port held.
 */
class StartFailureTest {

    @RegisterExtension
    static final TestServer SERVER = new TestServer();

    @Test
    void aStoreThatCannotBeOpenedFailsTheStartAndFreesThePort() throws Exception {
        SERVER.stop();
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        String otherMasterKey = Base64.getEncoder().encodeToString(new byte[32]);

        int chosen = port;
        assertThatThrownBy(() -> LatchkeyServer.start(SERVER.config().withPort(chosen).withMasterKey(otherMasterKey),
                Clock.systemUTC()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("do not open under this master key");

        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).as("the failed start released its port").isEqualTo(port);
        }
        SERVER.start();
        assertThat(Http.get(SERVER.uri("/health")).statusCode()).isEqualTo(200);
    }
}
