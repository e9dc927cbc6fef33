package dev.latchkey.server;

import dev.latchkey.core.client.ClientAuthenticator;
import dev.latchkey.core.client.ClientDirectory;
import dev.latchkey.core.client.ClientRegistrar;
import dev.latchkey.core.grant.TokenService;
import dev.latchkey.core.key.KeyManager;
import dev.latchkey.core.key.MasterKey;
import dev.latchkey.core.store.Change;
import dev.latchkey.core.store.ChangeFeed;
import dev.latchkey.core.store.Stores;
import dev.latchkey.core.token.AccessTokenMinter;
import dev.latchkey.core.token.Introspector;
import dev.latchkey.core.token.IssuerPolicy;
import dev.latchkey.core.token.JwtVerifier;
import dev.latchkey.core.token.RevocationList;
import dev.latchkey.core.token.Revoker;
import dev.latchkey.server.config.DataDirectory;
import dev.latchkey.server.config.ServerConfig;
import dev.latchkey.store.jdbc.JdbcStores;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The assembled service, without HTTP: stores, keys, caches and the core services, plus the
 * background work that keeps them current (the change feed) and small (the purge).
 * The command line uses the same assembly to create clients and rotate keys.
 */
public final class Latchkey implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Latchkey.class);
    private static final int PURGE_BATCH = 1000;

    private final ServerConfig config;
    private final Clock clock;
    private final Stores stores;
    private final IssuerPolicy policy;
    private final String initialAccessToken;
    private final KeyManager keys;
    private final ClientDirectory clients;
    private final ClientAuthenticator authenticator;
    private final ClientRegistrar registrar;
    private final RevocationList revocations = new RevocationList();
    private final AccessTokenMinter minter;
    private final TokenService tokenService;
    private final Introspector introspector;
    private final Revoker revoker;
    private final StoreWorkers storeWaits;
    private ChangeFeed feed;
    private ScheduledExecutorService maintenance;

    private Latchkey(ServerConfig config, String issuer, Clock clock) {
        this.config = config;
        this.clock = clock;
        DataDirectory dataDir = DataDirectory.open(config.dataDir());
        MasterKey masterKey = dataDir.masterKey(config.masterKey());
        this.initialAccessToken = dataDir.initialAccessToken(config.initialAccessToken());
        this.stores = JdbcStores.open(config.jdbcUrl(), config.dbPoolSize());
        this.policy = new IssuerPolicy(issuer, config.audience() != null ? config.audience() : issuer, config.limits());
        this.keys = new KeyManager(stores.keys(), masterKey, clock, config.keyActivationDelay(),
                config.limits().maxAccessTokenTtl());
        this.clients = new ClientDirectory(stores.clients(), this::isCurrent);
        this.authenticator = new ClientAuthenticator(clients);
        this.registrar = new ClientRegistrar(stores.clients(), clients, clock);
        JwtVerifier jwts = new JwtVerifier(policy, keys);
        this.minter = new AccessTokenMinter(policy, keys);
        this.revoker = new Revoker(jwts, stores.tokens(), revocations, clock);
        // Requests that wait on the store hold no HTTP thread meanwhile: their answers complete on the
        // store's threads. The rare continuation that must read or write the store again after that
        // (a lost rotation race, an introspected token that is not an access token) runs here
        // instead, never on a store thread; so do the endpoints that wait for the store outright.
        this.storeWaits = new StoreWorkers(config.storeWorkers(), config.storeQueue());
        this.tokenService = new TokenService(authenticator, minter, stores.tokens(), revoker, masterKey, policy, clock,
                storeWaits);
        this.introspector = new Introspector(jwts, stores.tokens(), clients, revocations, this::isCurrent, clock,
                storeWaits);
    }

    /** Opens the stores and keys without background work: for one-shot commands. */
    public static Latchkey open(ServerConfig config, String issuer, Clock clock) {
        Latchkey latchkey = new Latchkey(config, issuer, clock);
        try {
            latchkey.keys.reload();
        } catch (IllegalStateException e) {
            latchkey.close();
            throw new IllegalStateException("The signing keys in the database do not open under this master key;"
                    + " use the master key they were sealed with (LATCHKEY_MASTER_KEY or "
                    + DataDirectory.MASTER_KEY_FILE + ").", e);
        }
        return latchkey;
    }

    /** Opens everything and starts the change feed and the purge: for a serving node. */
    public static Latchkey start(ServerConfig config, String issuer, Clock clock) {
        Latchkey latchkey = open(config, issuer, clock);
        latchkey.keys.ensureSigningKey(config.signingAlgorithm());
        // Position first, then the revocations: an entry written in between is read twice, never missed.
        long position = latchkey.stores.changes().latestSeq();
        latchkey.stores.changes().activeRevocations(clock.instant()).forEach(latchkey.revocations::apply);
        latchkey.feed = new ChangeFeed(latchkey.stores.changes(), position, latchkey::apply);
        latchkey.feed.start(config.changePollInterval());
        latchkey.stores.subscribe(latchkey.feed::wake);
        latchkey.maintenance = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "latchkey-purge");
            thread.setDaemon(true);
            return thread;
        });
        // Every 5 s: also drops sealed grace-window successors soon after their window ends.
        latchkey.maintenance.scheduleWithFixedDelay(latchkey::purge, 5, 5, TimeUnit.SECONDS);
        return latchkey;
    }

    /**
     * True while this node's caches can be trusted: its change feed has read the log recently.
     * Without a feed (one-shot commands) there is no cache worth distrusting.
     */
    boolean isCurrent() {
        return feed == null || feed.isCurrent(staleAfter());
    }

    private Duration staleAfter() {
        Duration sixPolls = config.changePollInterval().multipliedBy(6);
        return sixPolls.compareTo(Duration.ofSeconds(3)) > 0 ? sixPolls : Duration.ofSeconds(3);
    }

    private void apply(Change change) {
        revocations.apply(change);
        clients.apply(change);
        if (change.kind() == Change.Kind.KEYS_CHANGED) {
            keys.reload();
            LOG.info("Signing keys reloaded: {}", keys.ring().all());
        }
    }

    /** Deletes expired rows in small batches until none are left; safe on every node at once. */
    void purge() {
        try {
            int touched;
            do {
                touched = stores.tokens().purgeExpired(clock.instant(), PURGE_BATCH);
            } while (touched >= PURGE_BATCH);
            revocations.prune(clock.instant());
        } catch (RuntimeException e) {
            LOG.warn("Purge of expired tokens failed; will retry: {}", e.toString());
        }
    }

    public ServerConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    public Stores stores() {
        return stores;
    }

    public IssuerPolicy policy() {
        return policy;
    }

    public String initialAccessToken() {
        return initialAccessToken;
    }

    public KeyManager keys() {
        return keys;
    }

    public ClientAuthenticator authenticator() {
        return authenticator;
    }

    public ClientRegistrar registrar() {
        return registrar;
    }

    public AccessTokenMinter minter() {
        return minter;
    }

    public TokenService tokenService() {
        return tokenService;
    }

    public Introspector introspector() {
        return introspector;
    }

    public Revoker revoker() {
        return revoker;
    }

    /** Where work that waits for the store runs, off the HTTP threads. */
    public StoreWorkers storeWorkers() {
        return storeWaits;
    }

    public boolean isReady() {
        return stores.isAvailable();
    }

    public Duration jwksMaxAge() {
        return keys.jwksMaxAge();
    }

    @Override
    public void close() {
        if (feed != null) {
            feed.close();
        }
        if (maintenance != null) {
            maintenance.shutdownNow();
        }
        storeWaits.close();
        stores.close();
    }
}
