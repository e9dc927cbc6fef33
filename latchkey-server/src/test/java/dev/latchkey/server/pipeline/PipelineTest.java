package dev.latchkey.server.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.client.AuthMethod;
import dev.latchkey.core.client.ClientCredentials;
import dev.latchkey.core.client.ClientLimits;
import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.client.TokenFormat;
import dev.latchkey.core.decision.GrantOutcome;
import dev.latchkey.core.decision.GrantResult;
import dev.latchkey.core.decision.RevocationOutcome;
import dev.latchkey.core.decision.TokenWrite;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.error.OAuthException;
import dev.latchkey.core.grant.ClientCredentialsGrant;
import dev.latchkey.core.grant.GrantRequest;
import dev.latchkey.core.grant.RefreshTokenGrant;
import dev.latchkey.core.key.KeyManager;
import dev.latchkey.core.key.MasterKey;
import dev.latchkey.core.key.SigningAlgorithm;
import dev.latchkey.core.registry.ClientDirectory;
import dev.latchkey.core.registry.ClientRegistrar;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.AccessToken;
import dev.latchkey.core.secret.RefreshToken;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.memory.InMemoryStores;
import dev.latchkey.core.store.record.OpaqueAccessTokenRecord;
import dev.latchkey.core.store.record.RefreshTokenRecord;
import dev.latchkey.core.store.record.Rotation;
import dev.latchkey.core.store.record.TokenFamily;
import dev.latchkey.core.token.AccessTokenMinter;
import dev.latchkey.core.token.IssuedTokens;
import dev.latchkey.core.token.IssuerPolicy;
import dev.latchkey.core.token.JwtVerifier;
import dev.latchkey.core.token.RevocationList;
import dev.latchkey.core.usage.UsageCounter;
import dev.latchkey.store.jdbc.AsyncTokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pipelines over the in-memory stores, without HTTP: every outcome a decision can return has a
 * step (so a new one cannot go unhandled silently), and grants go through read, decide and write.
 */
class PipelineTest {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final InMemoryStores stores = new InMemoryStores();
    private final RevocationList revocations = new RevocationList();
    private final StoreWorkers workers = new StoreWorkers(4, 64);
    private final Clock clock = Clock.fixed(NOW, java.time.ZoneOffset.UTC);
    private final KeyManager keys = new KeyManager(stores, MasterKey.generate(), clock, Duration.ofHours(1),
            Duration.ofDays(1));
    private final ClientDirectory directory = new ClientDirectory(stores.clients(), () -> true);
    private final UsageCounter usage = new UsageCounter(true);
    private final Pipelines pipelines;

    PipelineTest() {
        keys.ensureSigningKey(SigningAlgorithm.EdDSA);
        IssuerPolicy policy = new IssuerPolicy("https://as.example", "https://as.example", ClientLimits.defaults());
        pipelines = Pipelines.of(new Pipelines.Parts(directory, stores, AsyncTokenStore.inline(stores),
                new JwtVerifier(policy, keys::ring, Duration.ofDays(1)), new AccessTokenMinter(policy, keys::ring),
                MasterKey.generate(), policy, revocations, () -> true, usage, workers, clock, stores.authorizations(),
                new dev.latchkey.core.token.IdTokenMinter("https://as.example", new KeyManager(stores, MasterKey.generate(),
                        clock, Duration.ofSeconds(2), Duration.ofMinutes(5), "id")),
                new DpopCheck(java.net.URI.create("https://as.example/oauth2/token"),
                        new dev.latchkey.core.assertion.DpopNonces(new byte[32], clock), false, stores.authorizations(),
                        clock), new Quotas(null, Duration.ofMinutes(1), workers, clock), java.util.Set.of(),
                new FederatedIdentities(() -> dev.latchkey.core.federation.Federation.NONE, java.util.List.of())));
    }

    @AfterEach
    void stop() {
        workers.close();
    }

    private ClientCredentials register(Map<String, Object> metadata) {
        ClientRegistrar.Registration registration = new ClientRegistrar(stores.clients(), directory,
                ClientLimits.defaults(), null, clock).register(ClientMetadata.parse(metadata, ClientLimits.defaults()),
                        Actor.commandLine(), null);
        return new ClientCredentials(registration.client().clientId(), registration.secret(),
                AuthMethod.CLIENT_SECRET_BASIC);
    }

    private static Throwable failure(CompletableFuture<?> future) {
        try {
            future.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    @Test
    void everyGrantOutcomeHasAStep() {
        ClientCredentials credentials = register(Map.of("scope", "read"));
        RegisteredClient client = directory.find(credentials.clientId()).orElseThrow();
        GrantRequest grant = new ClientCredentialsGrant(Optional.empty(), List.of());
        IssuedTokens tokens = new IssuedTokens(new AccessToken("t"), TokenFormat.JWT, NOW, NOW.plusSeconds(60),
                Scope.EMPTY, Optional.empty());
        Map<Class<?>, GrantOutcome> samples = Map.of(
                GrantOutcome.Issue.class, new GrantOutcome.Issue(tokens, new TokenWrite.Nothing()),
                GrantOutcome.Repeat.class, new GrantOutcome.Repeat(tokens),
                GrantOutcome.RevokeFamily.class, new GrantOutcome.RevokeFamily("f", OAuthError.INVALID_GRANT),
                GrantOutcome.Refuse.class, new GrantOutcome.Refuse(OAuthError.INVALID_SCOPE));

        for (Class<?> type : GrantOutcome.class.getPermittedSubclasses()) {
            assertThat(samples).as("add a sample of %s here, and its step to TokenPipeline", type).containsKey(type);
            Throwable failure = failure(pipelines.tokens().carryOut(client, grant, null, samples.get(type), NOW, true));
            assertThat(failure).as(type.getSimpleName()).satisfiesAnyOf(
                    f -> assertThat(f).isNull(), f -> assertThat(f).isInstanceOf(OAuthException.class));
        }
    }

    @Test
    void everyTokenWriteHasAStep() {
        TokenFamily family = TokenFamily.start("f1", "c", NOW, null);
        RefreshTokenRecord refresh = RefreshTokenRecord.active(TokenHash.of(Secrets.random256()), family,
                Scope.EMPTY, List.of(), NOW, NOW.plusSeconds(60), NOW.plusSeconds(60));
        OpaqueAccessTokenRecord access = new OpaqueAccessTokenRecord(TokenHash.of(Secrets.random256()), "c", "c",
                Scope.EMPTY, List.of(), "j", null, NOW, NOW.plusSeconds(60), false);
        TokenHash code = TokenHash.of(Secrets.random256());
        stores.authorizations().saveCode(new dev.latchkey.core.store.record.AuthorizationCode(code, "c", "usr_1",
                "https://app.example/cb", "challenge", Scope.EMPTY, List.of(), null, NOW, NOW, NOW.plusSeconds(60),
                null, null));
        TokenHash device = TokenHash.of(Secrets.random256());
        stores.authorizations().saveDevice(new dev.latchkey.core.store.record.DeviceAuthorization(device, "BCDFGHJK",
                "c", Scope.EMPTY, NOW, NOW.plusSeconds(600), 5, null,
                dev.latchkey.core.store.record.DeviceAuthorization.Status.PENDING, null, null, null));
        stores.authorizations().decideDevice("BCDFGHJK", dev.latchkey.core.store.record.DeviceAuthorization.Status.APPROVED,
                "usr_1", NOW, NOW);
        Map<Class<?>, TokenWrite> samples = Map.of(
                TokenWrite.RedeemDevice.class, new TokenWrite.RedeemDevice(device, new TokenWrite.StartFamily(
                        TokenFamily.start("f3", "c", NOW, NOW.plusSeconds(60), "usr_1"), null, null)),
                TokenWrite.RedeemCode.class, new TokenWrite.RedeemCode(code, new TokenWrite.StartFamily(
                        TokenFamily.start("f2", "c", NOW, NOW.plusSeconds(60), "usr_1"), null, null)),
                TokenWrite.Nothing.class, new TokenWrite.Nothing(),
                TokenWrite.SaveAccessToken.class, new TokenWrite.SaveAccessToken(access),
                TokenWrite.StartFamily.class, new TokenWrite.StartFamily(family, refresh, null),
                TokenWrite.Rotate.class, new TokenWrite.Rotate(Rotation.builder(refresh.hash(), NOW,
                        RefreshTokenRecord.active(TokenHash.of(Secrets.random256()), family, Scope.EMPTY, List.of(),
                                NOW, NOW.plusSeconds(60), NOW.plusSeconds(60))).build()));

        for (Class<?> type : TokenWrite.class.getPermittedSubclasses()) {
            assertThat(samples).as("add a sample of %s here, and its step to TokenPipeline", type).containsKey(type);
            assertThat(pipelines.tokens().write(samples.get(type)).join()).as(type.getSimpleName()).isTrue();
        }
    }

    @Test
    void everyRevocationOutcomeHasAStep() {
        RegisteredClient client = directory.find(register(Map.of("scope", "read")).clientId()).orElseThrow();
        Map<Class<?>, RevocationOutcome> samples = Map.of(
                RevocationOutcome.RevokeJwt.class, new RevocationOutcome.RevokeJwt("jti", NOW.plusSeconds(60)),
                RevocationOutcome.RevokeAccessToken.class, new RevocationOutcome.RevokeAccessToken(TokenHash.of("x")),
                RevocationOutcome.RevokeFamily.class, new RevocationOutcome.RevokeFamily("f"),
                RevocationOutcome.Nothing.class, new RevocationOutcome.Nothing(),
                RevocationOutcome.Refuse.class, new RevocationOutcome.Refuse(OAuthError.INVALID_GRANT));

        for (Class<?> type : RevocationOutcome.class.getPermittedSubclasses()) {
            assertThat(samples).as("add a sample of %s here, and its step to RevocationPipeline", type).containsKey(type);
            try {
                pipelines.revocation().carryOut(samples.get(type), client, NOW);
            } catch (OAuthException refused) {
                assertThat(type).isEqualTo(RevocationOutcome.Refuse.class);
            }
        }
    }

    @Test
    void aRefreshTokenRotatesAndOfConcurrentRefreshesExactlyOneWins() throws Exception {
        ClientCredentials credentials = register(Map.of("scope", "read",
                "grant_types", List.of("client_credentials", "refresh_token")));
        GrantResult first = pipelines.tokens().token(credentials,
                new ClientCredentialsGrant(Optional.empty(), List.of())).join();
        RefreshToken token = first.tokens().refreshToken().orElseThrow();

        var pool = Executors.newFixedThreadPool(8);
        List<CompletableFuture<GrantResult>> racers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            racers.add(CompletableFuture.supplyAsync(() -> pipelines.tokens().token(credentials,
                    new RefreshTokenGrant(token, Optional.empty(), List.of())), pool).thenCompose(f -> f));
        }
        long wins = racers.stream().filter(racer -> failure(racer) == null).count();
        pool.shutdown();

        assertThat(wins).isEqualTo(1);
        assertThat(stores.findRefreshToken(token.hash()).orElseThrow().family().revoked())
                .as("the losers replayed a rotated token: reuse").isTrue();
    }

    @Test
    void introspectionAndRevocationGoThroughTheirPipelines() {
        ClientCredentials credentials = register(Map.of("scope", "read", "access_token_format", "opaque"));
        String token = pipelines.tokens().token(credentials, new ClientCredentialsGrant(Optional.empty(), List.of()))
                .join().tokens().accessToken().value();

        assertThat(pipelines.introspection().introspect(credentials, token, null).join().isActive()).isTrue();
        pipelines.revocation().revoke(credentials, token, null).join();
        assertThat(pipelines.introspection().introspect(credentials, token, null).join().isActive()).isFalse();
    }

    @Test
    void tokensAndErrorsAreCountedPerClientAndStrangersIdsAddNoCounter() {
        ClientCredentials credentials = register(Map.of("scope", "read"));
        for (int i = 0; i < 3; i++) {
            pipelines.tokens().token(credentials, new ClientCredentialsGrant(Optional.empty(), List.of())).join();
        }
        assertThat(failure(pipelines.tokens().token(credentials, new ClientCredentialsGrant(
                Optional.of(Scope.parse("write", OAuthError.INVALID_SCOPE)), List.of())))).isInstanceOf(OAuthException.class);
        ClientCredentials stranger = new ClientCredentials("made-up-" + Secrets.random128(),
                new dev.latchkey.core.secret.ClientSecret("nope"), AuthMethod.CLIENT_SECRET_BASIC);
        assertThat(failure(pipelines.tokens().token(stranger, new ClientCredentialsGrant(Optional.empty(), List.of()))))
                .isInstanceOf(OAuthException.class);

        usage.drain(NOW, stores.usage());

        Instant hour = NOW.truncatedTo(ChronoUnit.HOURS);
        assertThat(stores.usage().hourly(credentials.clientId(), null, hour, hour.plusSeconds(3600)))
                .containsExactly(new dev.latchkey.core.usage.UsageCount(hour, 3, 1));
        assertThat(stores.usage().hourly(null, null, hour, hour.plusSeconds(3600)))
                .as("the stranger's failure counts under the unknown id").containsExactly(
                        new dev.latchkey.core.usage.UsageCount(hour, 3, 2));
        assertThat(stores.usage().errors(credentials.clientId(), 10)).extracting(e -> e.error())
                .containsExactly("invalid_scope");
        assertThat(stores.usage().errors(stranger.clientId(), 10)).isEmpty();
        RegisteredClient client = stores.clients().find(credentials.clientId()).orElseThrow();
        assertThat(client.lastUsedAt()).isEqualTo(NOW);
        assertThat(client.secrets().get(0).lastUsedAt()).isEqualTo(NOW);
    }
}
