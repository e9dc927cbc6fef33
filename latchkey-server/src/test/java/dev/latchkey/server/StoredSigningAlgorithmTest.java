package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.key.KeyRing;
import dev.latchkey.core.key.SigningAlgorithm;
import dev.latchkey.server.cli.Commands;
import dev.latchkey.server.testing.LogCapture;
import dev.latchkey.server.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 2: the signing algorithm is a stored setting. {@code keys rotate --signing-alg}
 * changes it for good; a restart whose flag (or default) disagrees warns and adds no key.
 */
class StoredSigningAlgorithmTest {

    @Test
    void keysRotateChangesTheAlgorithmForGoodAndARestartOnlyWarns() throws Exception {
        try (TestServer server = TestServer.startNew(config -> config)) {
            assertThat(server.server().assembly().keys().ring().all()).extracting(KeyRing.Key::algorithm)
                    .containsExactly(SigningAlgorithm.EdDSA);
            StringWriter err = new StringWriter();
            int exit = Commands.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err))
                    .execute("keys", "rotate", "--signing-alg", "ES256", "--data-dir", server.dataDir().toString());
            assertThat(exit).as(err.toString()).isZero();
            server.stop();
            try (LogCapture logs = new LogCapture()) {
                server.start(); // with the default, EdDSA
                assertThat(server.server().assembly().keys().ring().all()).extracting(KeyRing.Key::algorithm)
                        .as("no key added by the restart").containsExactly(SigningAlgorithm.EdDSA, SigningAlgorithm.ES256);
                assertThat(logs.warnings()).anyMatch(line -> line.contains("differs from the stored one, ES256"));
            }
        }
    }
}
