package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.latchkey.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12, item 14: the listening socket's backlog is the kernel's limit, not Jetty's 50, so a
 * burst of new connections is queued instead of waiting for SYN retransmits. Read from the kernel.
 */
class ListenBacklogTest {

    @RegisterExtension
    static final TestServer SERVER = new TestServer();

    @Test
    void theListenBacklogIsTheKernelsLimit() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ss")) || Files.isExecutable(Path.of("/bin/ss")),
                "ss (iproute2) reads the backlog off the socket");
        int somaxconn = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/core/somaxconn")).get(0).trim());
        Process ss = new ProcessBuilder("ss", "-ltnH", "sport = :" + SERVER.uri("/").getPort())
                .redirectErrorStream(true).start();
        String line = new String(ss.getInputStream().readAllBytes()).trim();
        assertThat(ss.waitFor(10, TimeUnit.SECONDS)).isTrue();

        // State Recv-Q Send-Q Local Peer: for a listening socket Send-Q is the backlog.
        String[] columns = line.split("\\s+");
        assertThat(columns[0]).as(line).isEqualTo("LISTEN");
        assertThat(Integer.parseInt(columns[2])).as(line).isEqualTo(somaxconn).isGreaterThan(50);
    }
}
