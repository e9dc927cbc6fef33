package dev.latchkey.bench;

import dev.latchkey.core.client.ClientAuthenticator;
import dev.latchkey.core.client.ClientCredentials;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.decision.GrantResult;
import dev.latchkey.core.grant.ClientCredentialsGrant;
import dev.latchkey.core.grant.GrantRequest;
import dev.latchkey.core.key.SigningAlgorithm;
import dev.latchkey.core.token.AccessTokenMinter;
import dev.latchkey.core.token.MintedAccessToken;
import dev.latchkey.server.render.Json;
import dev.latchkey.server.render.TokenResponses;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 * The token endpoint's work without HTTP: client authentication, minting, the whole client
 * credentials grant, and rendering the response.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TokenEndpointBenchmark {

    @Param({"EdDSA", "ES256", "RS256", "opaque"})
    public String format;

    private Fixture fixture;
    private ClientCredentials credentials;
    private RegisteredClient client;
    private GrantRequest grant;
    private AccessTokenMinter minter;
    private GrantResult issued;

    @Setup(Level.Trial)
    public void setUp() {
        boolean opaque = format.equals("opaque");
        fixture = Fixture.start("sqlite", opaque ? SigningAlgorithm.EdDSA : SigningAlgorithm.valueOf(format));
        credentials = fixture.register(Map.of("scope", "read write", "access_token_format", opaque ? "opaque" : "jwt"));
        client = fixture.authenticate(credentials);
        grant = new ClientCredentialsGrant(Optional.empty(), List.of());
        minter = fixture.minter();
        issued = fixture.token(credentials, grant);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }

    /** SHA-256 of the presented secret, constant-time compare (the client as the cache holds it). */
    @Benchmark
    public RegisteredClient clientAuthentication() {
        return ClientAuthenticator.authenticate(credentials, Optional.of(client), Instant.now()).client();
    }

    /** One access token: a signed RFC 9068 JWT, or an opaque token and its record (not stored here). */
    @Benchmark
    public MintedAccessToken mintAccessToken() {
        return minter.mint(client, client.metadata().scope(), List.of("https://api.example.com"),
                null, Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }

    /** The whole grant through the token pipeline: authenticate, decide, mint, and for opaque tokens one durable insert. */
    @Benchmark
    public GrantResult clientCredentialsGrant() {
        return fixture.token(credentials, grant);
    }

    /** The RFC 6749 §5.1 JSON body. */
    @Benchmark
    public byte[] renderTokenResponse() {
        return Json.bytes(TokenResponses.body(issued));
    }
}
