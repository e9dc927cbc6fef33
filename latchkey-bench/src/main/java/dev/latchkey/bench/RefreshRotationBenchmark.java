package dev.latchkey.bench;

import dev.latchkey.core.client.ClientCredentials;
import dev.latchkey.core.decision.GrantResult;
import dev.latchkey.core.grant.ClientCredentialsGrant;
import dev.latchkey.core.grant.RefreshTokenGrant;
import dev.latchkey.core.key.SigningAlgorithm;
import dev.latchkey.core.secret.RefreshToken;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * A whole refresh token grant with rotation (read, mint, one compare-and-set write transaction,
 * durable before it returns) on each store; 1 thread shows the latency of one commit, 16 threads
 * what group commit (SQLite) and concurrent commits (PostgreSQL) make of it.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RefreshRotationBenchmark {

    @State(Scope.Benchmark)
    public static class Server {

        @Param({"sqlite", "postgresql"})
        public String store;

        Fixture fixture;
        ClientCredentials credentials;

        @Setup(Level.Trial)
        public void setUp() {
            fixture = Fixture.start(store, SigningAlgorithm.EdDSA);
            credentials = fixture.register(Map.of("scope", "read", "access_token_format", "opaque",
                    "grant_types", List.of("client_credentials", "refresh_token")));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            fixture.close();
        }
    }

    /** Each thread follows its own token family. */
    @State(Scope.Thread)
    public static class Family {

        String refreshToken;

        @Setup(Level.Trial)
        public void setUp(Server server) {
            refreshToken = server.fixture.token(server.credentials,
                    new ClientCredentialsGrant(Optional.empty(), List.of())).tokens().refreshToken().orElseThrow().value();
        }
    }

    private static GrantResult rotate(Server server, Family family) {
        GrantResult result = server.fixture.token(server.credentials,
                new RefreshTokenGrant(new RefreshToken(family.refreshToken), Optional.empty(), List.of()));
        family.refreshToken = result.tokens().refreshToken().orElseThrow().value();
        return result;
    }

    @Benchmark
    @Threads(1)
    public GrantResult oneClient(Server server, Family family) {
        return rotate(server, family);
    }

    @Benchmark
    @Threads(16)
    public GrantResult sixteenClients(Server server, Family family) {
        return rotate(server, family);
    }
}
