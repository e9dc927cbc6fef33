package dev.latchkey.bench;

import dev.latchkey.core.client.ClientCredentials;
import dev.latchkey.core.grant.ClientCredentialsGrant;
import dev.latchkey.core.key.SigningAlgorithm;
import dev.latchkey.core.token.Introspection;
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

/**
 * Introspecting a valid token: a JWT (signature, claims, in-memory revocation list; no database)
 * or an opaque token (one indexed read by hash) on each store.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class IntrospectionBenchmark {

    @Param({"jwt:sqlite", "opaque:sqlite", "opaque:postgresql"})
    public String token;

    private Fixture fixture;
    private String value;
    private ClientCredentials credentials;

    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = token.split(":");
        fixture = Fixture.start(parts[1], SigningAlgorithm.EdDSA);
        ClientCredentials credentials = fixture.register(Map.of("scope", "read", "access_token_format", parts[0]));
        this.credentials = credentials;
        value = fixture.token(credentials, new ClientCredentialsGrant(Optional.empty(), List.of()))
                .tokens().accessToken().value();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }

    @Benchmark
    public Introspection introspect() {
        Introspection result = fixture.latchkey().pipelines().introspection().introspect(credentials, value, null).join();
        if (!result.isActive()) {
            throw new IllegalStateException("the benchmark token must be active");
        }
        return result;
    }
}
