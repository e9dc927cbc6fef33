package dev.latchkey.bench;

import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.client.AuthMethod;
import dev.latchkey.core.client.ClientAuthenticator;
import dev.latchkey.core.client.ClientCredentials;
import dev.latchkey.core.client.ClientLimits;
import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.decision.GrantResult;
import dev.latchkey.core.grant.GrantRequest;
import dev.latchkey.core.key.SigningAlgorithm;
import dev.latchkey.core.registry.ClientRegistrar;
import dev.latchkey.core.token.AccessTokenMinter;
import dev.latchkey.core.token.IssuerPolicy;
import dev.latchkey.server.Assembly;
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
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A Latchkey assembled without HTTP, on a temporary SQLite file or a throw-away PostgreSQL schema,
 * for benchmarks of what happens behind the endpoints.
 */
public final class Fixture implements AutoCloseable {

    static final String ISSUER = "https://bench.latchkey.test";

    public static final String PG_URL = System.getenv().getOrDefault("LATCHKEY_BENCH_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private final Path dataDir;
    private final String schema;
    private final Assembly latchkey;

    private Fixture(Path dataDir, String schema, Assembly latchkey) {
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
            return new Fixture(dataDir, schema, Assembly.start(config, ISSUER, Clock.systemUTC()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Assembly latchkey() {
        return latchkey;
    }

    /** The client these credentials name, authenticated as the token endpoint does (read from the store here). */
    public RegisteredClient authenticate(ClientCredentials credentials) {
        return ClientAuthenticator.authenticate(credentials, latchkey.stores().clients().find(credentials.clientId()),
                Instant.now()).client();
    }

    /** The token pipeline's answer to a request, waited for. */
    public GrantResult token(ClientCredentials credentials, GrantRequest grant) {
        return latchkey.pipelines().tokens().token(credentials, grant).join();
    }

    /** A minter over this fixture's keys, as the token endpoint's. */
    public AccessTokenMinter minter() {
        return new AccessTokenMinter(new IssuerPolicy(ISSUER, ISSUER, ClientLimits.defaults()), latchkey.keys()::ring);
    }

    /** Registers a client with the given metadata and returns how it authenticates. */
    public ClientCredentials register(Map<String, Object> metadata) {
        ClientRegistrar.Registration registration = latchkey.registrar()
                .register(ClientMetadata.parse(metadata, ClientLimits.defaults()), Actor.commandLine(), null);
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
