package dev.latchkey.bench;

import dev.latchkey.client.ClientAuthentication;
import dev.latchkey.client.Credentials;
import dev.latchkey.client.InMemoryCredentialStore;
import dev.latchkey.client.TokenManager;
import java.net.URI;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/** {@code TokenManager.getAccessToken()} with a valid cached token: what every API call pays. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ClientSdkBenchmark {

    private TokenManager tokens;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        InMemoryCredentialStore store = new InMemoryCredentialStore();
        store.save(new Credentials("cached-access-token", "refresh", "Bearer", Set.of("read"), Instant.now(),
                Instant.now().plusSeconds(86_400)));
        tokens = TokenManager.builder(URI.create("http://127.0.0.1:9/never-called"))
                .clientCredentials(ClientAuthentication.basic("id", "secret")).credentialStore(store).build();
        tokens.getAccessToken(); // adopts the stored token; no request
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        tokens.close();
    }

    @Benchmark
    public String getAccessToken() {
        return tokens.getAccessToken();
    }

    @Benchmark
    @Threads(4)
    public String getAccessTokenFromFourThreads() {
        return tokens.getAccessToken();
    }
}
