package dev.latchkey.server.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * One Latchkey node in its own JVM, started with {@code latchkey serve} and an environment, as an
 * operator would run it. Restartable on the same port and data directory.
 */
public final class Node implements Endpoint, AutoCloseable {

    public static final String INITIAL_ACCESS_TOKEN = "node-initial-access-token-0123456789abcdefghij";

    private final Map<String, String> environment;
    private final int port;
    private final String issuer;
    private ServerProcess process;

    private Node(Map<String, String> environment, int port, String issuer) {
        this.environment = environment;
        this.port = port;
        this.issuer = issuer;
    }

    /**
     * @param shared environment every node of a cluster shares (database URL, master key, issuer)
     */
    public static Node start(Map<String, String> shared, Path dataDir) throws Exception {
        int port = freePort();
        Map<String, String> environment = new HashMap<>(shared);
        environment.put("LATCHKEY_PORT", String.valueOf(port));
        environment.put("LATCHKEY_DATA_DIR", dataDir.toString());
        environment.putIfAbsent("LATCHKEY_INITIAL_ACCESS_TOKEN", INITIAL_ACCESS_TOKEN);
        Node node = new Node(environment, port, environment.getOrDefault("LATCHKEY_ISSUER", "http://127.0.0.1:" + port));
        node.start();
        return node;
    }

    public void start() throws Exception {
        process = ServerProcess.start(environment, "serve");
        process.awaitLine("Latchkey listening on", Duration.ofSeconds(60));
    }

    /** SIGKILL, as a crash. */
    public void kill() throws InterruptedException {
        process.kill();
    }

    public ServerProcess process() {
        return process;
    }

    public int port() {
        return port;
    }

    @Override
    public String issuer() {
        return issuer;
    }

    @Override
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public TestClient register(Map<String, Object> metadata) {
        return Clients.register(this, environment.get("LATCHKEY_INITIAL_ACCESS_TOKEN"), metadata);
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.close();
        }
    }
}
