package dev.latchkey.bench;

import dev.latchkey.core.client.AuthMethod;
import dev.latchkey.core.client.ClientAuthenticator;
import dev.latchkey.core.client.ClientCredentials;
import dev.latchkey.core.client.ClientLimits;
import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.client.StoredSecret;
import dev.latchkey.core.secret.ClientSecret;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Client authentication with one secret and with three live ones (a rotation's overlap and a
 * spare): the presented secret is hashed once and compared with each, so three should cost what
 * one costs plus two constant-time compares of 32 bytes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ClientAuthenticationBenchmark {

    @Param({"1", "3"})
    public int secrets;

    private Optional<RegisteredClient> client;
    private ClientCredentials credentials;
    private Instant now;

    @Setup
    public void setUp() {
        now = Instant.now();
        List<StoredSecret> stored = new ArrayList<>();
        ClientSecret newest = null;
        for (int i = 0; i < secrets; i++) {
            newest = ClientSecret.generate();
            stored.add(new StoredSecret("sec-" + i, "s" + i, newest.hash(), now, null, null));
        }
        client = Optional.of(RegisteredClient.registered("client", stored.get(0), "r",
                ClientMetadata.parse(Map.of("scope", "read"), ClientLimits.defaults()), now, null).withSecrets(stored));
        credentials = new ClientCredentials("client", newest, AuthMethod.CLIENT_SECRET_BASIC);
    }

    @Benchmark
    public ClientAuthenticator.Authenticated authenticate() {
        return ClientAuthenticator.authenticate(credentials, client, now);
    }
}
