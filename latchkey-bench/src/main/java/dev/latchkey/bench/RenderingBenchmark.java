package dev.latchkey.bench;

import dev.latchkey.core.client.ClientLimits;
import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.client.StoredSecret;
import dev.latchkey.core.client.TokenFormat;
import dev.latchkey.core.decision.GrantResult;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.secret.AccessToken;
import dev.latchkey.core.secret.RefreshToken;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.token.IssuedTokens;
import dev.latchkey.server.render.Json;
import dev.latchkey.server.render.TokenResponses;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Rendering a token response in each profile: what the token endpoint spends after minting. */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RenderingBenchmark {

    @Param({"rfc6749", "float_ttl_datetime", "camel_case", "credentials_issued_at", "absolute_expiry"})
    public String profile;

    private GrantResult result;

    @Setup
    public void setUp() {
        ClientMetadata metadata = ClientMetadata.parse(Map.of("response_profile", profile, "scope", "read write",
                "grant_types", List.of("client_credentials", "refresh_token")), ClientLimits.defaults());
        RegisteredClient client = RegisteredClient.registered("client", new StoredSecret("sec", "default", "hash",
                Instant.now(), null, null), "hash", metadata, Instant.now(), null);
        String jwt = "eyJraWQiOiJhYmMiLCJ0eXAiOiJhdCtqd3QiLCJhbGciOiJFZERTQSJ9." + Secrets.random256().repeat(6)
                + "." + Secrets.random256() + Secrets.random256();
        result = new GrantResult(client, new IssuedTokens(new AccessToken(jwt), TokenFormat.JWT, Instant.now(),
                Instant.now().plusSeconds(3600), dev.latchkey.core.scope.Scope.parse("read write", OAuthError.SERVER_ERROR),
                Optional.of(new RefreshToken(Secrets.random256()))));
    }

    @Benchmark
    public byte[] render() {
        return Json.bytes(TokenResponses.body(result));
    }
}
