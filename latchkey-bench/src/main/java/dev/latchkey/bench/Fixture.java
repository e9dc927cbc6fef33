package dev.latchkey.bench;

import dev.latchkey.core.client.AuthMethod;
import dev.latchkey.core.client.ClientCredentials;
import dev.latchkey.core.client.ClientLimits;
import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.client.ClientRegistrar;
import dev.latchkey.core.key.SigningAlgorithm;
import dev.latchkey.server.Latchkey;
import dev.latchkey.server.config.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A Latchkey assembled without HTTP, on a temporary SQLite file or a throw-away PostgreSQL schema,
 * for benchmarks of what happens behind the endpoints.
 */
public final class Fixture implements AutoCloseable {

    public static final String PG_URL = System.getenv().getOrDefault("LATCHKEY_BENCH_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private final Path dataDir;
    private final String schema;
    private final Latchkey latchkey;

    private Fixture(Path dataDir, String schema, Latchkey latchkey) {
        this.dataDir = dataDir;
        this.schema = schema;
        this.latchkey = latchkey;
    }

    /** @param store {@code sqlite} or {@code postgresql} */
    public static Fixture start(String store, SigningAlgorithm algorithm) {
        try {
            Path dataDir = Files.createTempDirectory("latchkey-bench");
            String schema = null;
            ServerConfig config = ServerConfig.defaults().withDataDir(dataDir).withSigningAlgorithm(algorithm)
                    .withInitialAccessToken("bench-initial-access-token-0123456789");
            if (store.equals("postgresql")) {
                schema = "lk_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
                admin("CREATE SCHEMA " + schema);
                config = config.withDbUrl(PG_URL + "&currentSchema=" + schema);
            }
            return new Fixture(dataDir, schema, Latchkey.start(config, "https://bench.latchkey.test", Clock.systemUTC()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Latchkey latchkey() {
        return latchkey;
    }

    /** Registers a client with the given metadata and returns how it authenticates. */
    public ClientCredentials register(Map<String, Object> metadata) {
        ClientRegistrar.Registration registration = latchkey.registrar()
                .register(ClientMetadata.parse(metadata, ClientLimits.defaults()));
        return new ClientCredentials(registration.client().clientId(), registration.secret(),
                AuthMethod.CLIENT_SECRET_BASIC);
    }

    private static void admin(String sql) {
        try (Connection c = DriverManager.getConnection(PG_URL)) {
            c.createStatement().execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + PG_URL + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        latchkey.close();
        if (schema != null) {
            admin("DROP SCHEMA " + schema + " CASCADE");
        }
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
