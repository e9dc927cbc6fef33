package dev.latchkey.server.testing;

import dev.latchkey.server.LatchkeyServer;
import dev.latchkey.server.config.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Latchkey server for a test class: a free port on 127.0.0.1, a fresh SQLite file in a
 * temporary data directory, and a clock the test can move. Use with {@code @RegisterExtension}.
 */
public final class TestServer implements BeforeAllCallback, AfterAllCallback, AutoCloseable, Endpoint {

    public static final String INITIAL_ACCESS_TOKEN = "test-initial-access-token-0123456789abcdefghij";

    private final UnaryOperator<ServerConfig> customizer;
    private final MutableClock clock;
    private Path dataDir;
    private LatchkeyServer server;
    private int port;

    public TestServer() {
        this(config -> config);
    }

    public TestServer(UnaryOperator<ServerConfig> customizer) {
        this(customizer, MutableClock.startingNow());
    }

    public TestServer(UnaryOperator<ServerConfig> customizer, MutableClock clock) {
        this.customizer = customizer;
        this.clock = clock;
    }

    /** A server whose clock follows real time, for tests where tokens must really expire. */
    public static TestServer realTime(UnaryOperator<ServerConfig> customizer) {
        return new TestServer(customizer, MutableClock.ticking());
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        open();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** For tests that need a server of their own outside the extension: use with try-with-resources. */
    public static TestServer startNew(UnaryOperator<ServerConfig> customizer) throws IOException {
        return startNew(customizer, MutableClock.startingNow());
    }

    /** {@link #startNew(UnaryOperator)} on a clock the test moves. */
    public static TestServer startNew(UnaryOperator<ServerConfig> customizer, MutableClock clock) throws IOException {
        TestServer server = new TestServer(customizer, clock);
        server.open();
        return server;
    }

    private void open() throws IOException {
        dataDir = Files.createTempDirectory("latchkey-test");
        start();
    }

    @Override
    public void close() {
        stop();
        deleteRecursively(dataDir);
    }

    public ServerConfig config() {
        return customizer.apply(ServerConfig.defaults()
                .withPort(port)
                .withDataDir(dataDir)
                .withInitialAccessToken(INITIAL_ACCESS_TOKEN));
    }

    public void start() {
        server = LatchkeyServer.start(config(), clock);
        port = server.port();
    }

    public void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** Stops and starts again on the same port and data directory. */
    public void restart() {
        stop();
        start();
    }

    public LatchkeyServer server() {
        return server;
    }

    public MutableClock clock() {
        return clock;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public String issuer() {
        return server.issuer();
    }

    @Override
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Registers a client over RFC 7591 with the given metadata. */
    public TestClient register(Map<String, Object> metadata) {
        return Clients.register(this, INITIAL_ACCESS_TOKEN, metadata);
    }

    /** A client_credentials + refresh_token client with scopes "read write", plus any overrides. */
    public TestClient registerRefreshClient(Map<String, Object> overrides) {
        return register(Clients.refreshClient(overrides));
    }

    public static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
