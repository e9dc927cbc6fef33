package dev.latchkey.server;

import dev.latchkey.core.account.PasswordHasher;
import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.key.KeyManager;
import dev.latchkey.core.manage.AccountManagement;
import dev.latchkey.core.manage.AuditLog;
import dev.latchkey.core.manage.UsageReport;
import dev.latchkey.core.manage.CatalogueManagement;
import dev.latchkey.core.manage.ClientManagement;
import dev.latchkey.core.manage.ManagementException;
import dev.latchkey.core.store.StoreUnavailableException;
import dev.latchkey.core.key.MasterKey;
import dev.latchkey.core.registry.ClientDirectory;
import dev.latchkey.core.registry.ClientRegistrar;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.store.record.Change;
import dev.latchkey.core.token.AccessTokenMinter;
import dev.latchkey.core.token.IssuerPolicy;
import dev.latchkey.core.token.JwtVerifier;
import dev.latchkey.core.token.RevocationList;
import dev.latchkey.core.usage.UsageCounter;
import dev.latchkey.server.config.DataDirectory;
import dev.latchkey.server.config.ServerConfig;
import dev.latchkey.server.dashboard.Management;
import dev.latchkey.server.pipeline.DpopCheck;
import dev.latchkey.server.pipeline.Pipelines;
import dev.latchkey.server.pipeline.Quotas;
import dev.latchkey.server.pipeline.StoreWorkers;
import dev.latchkey.server.web.Routes;
import dev.latchkey.server.web.Services;
import dev.latchkey.server.web.Telemetry;
import dev.latchkey.store.jdbc.JdbcStores;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the service (stores, keys, caches, decisions, pipelines) from the
 * configuration, and runs what keeps it current (the change feed) and small (the purge). The web
 * layer gets {@link #services()}; the command line uses the registrar, the keys and the stores of
 * an assembly it {@link #open opens} without background work.
 */
public final class Assembly implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Assembly.class);
    private static final int PURGE_BATCH = 1000;
    /** How long a spent jti outlives its assertion or proof: the clock difference between nodes allowed for. */
    static final Duration SPENT_JTI_MARGIN = Duration.ofMinutes(1);
    /** Usage counts and errors are kept for the dashboard's 30-day chart, and a day more. */
    static final Duration USAGE_KEPT = Duration.ofDays(31);
    static final String BOOTSTRAP_ADMIN = "admin";

    private final ServerConfig config;
    private final String issuer;
    private final Clock clock;
    private final JdbcStores stores;
    private final KeyManager keys;
    private final KeyManager idKeys;
    private final dev.latchkey.core.authorize.Authorizations authorizations;
    private final ClientDirectory clients;
    private final ClientRegistrar registrar;
    private final RevocationList revocations = new RevocationList();
    private final StoreWorkers workers;
    private final Pipelines pipelines;
    private final dev.latchkey.core.assertion.DpopNonces dpopNonces;
    private final UsageCounter usage;
    private final ClientManagement clientManagement;
    private final AccountManagement accountManagement;
    private final CatalogueManagement catalogueManagement;
    private ChangeFeed feed;
    private java.nio.channels.FileLock servingLock;
    private ScheduledExecutorService maintenance;
    private AuditStream auditStream;
    private volatile Instant lastUsagePurge = Instant.EPOCH;

    private Assembly(ServerConfig config, String issuer, Clock clock, boolean existingInstallation) {
        this.config = config;
        this.issuer = issuer;
        this.clock = clock;
        DataDirectory dataDir = existingInstallation
                ? DataDirectory.existing(config.dataDir(), config.dbUrl() == null)
                : DataDirectory.open(config.dataDir());

        MasterKey masterKey = dataDir.masterKey(config.masterKey());
        this.dpopNonces = new dev.latchkey.core.assertion.DpopNonces(masterKey.derive("dpop-nonce"), clock);
        // The command line registers clients itself: only a serving node takes the initial access token.
        String initialAccessToken = existingInstallation ? null : dataDir.initialAccessToken(config.initialAccessToken());
        this.stores = JdbcStores.open(config.jdbcUrl(), config.dbPoolSize());
        IssuerPolicy policy = new IssuerPolicy(issuer, config.audience() != null ? config.audience() : issuer,
                config.limits());
        this.keys = new KeyManager(stores.keys(), masterKey, clock, config.keyActivationDelay(),
                config.limits().maxAccessTokenTtl());
        this.idKeys = new KeyManager(stores.keys(), masterKey, clock, config.keyActivationDelay(),
                dev.latchkey.core.token.IdTokenMinter.TTL, dev.latchkey.core.store.record.StoredKey.ID_TOKEN);
        this.clients = new ClientDirectory(stores.clients(), this::isCurrent);
        this.registrar = new ClientRegistrar(stores.clients(), clients, config.limits(),
                initialAccessToken == null ? null : Secrets.hash(initialAccessToken), clock);
        // Requests that wait on the store hold no HTTP thread meanwhile; what must wait outright
        // (revocation, registration, readiness, a second read after a commit) runs on these.
        this.workers = new StoreWorkers(config.storeWorkers(), config.storeQueue());
        JwtVerifier jwts = new JwtVerifier(policy, keys::ring, config.limits().maxAccessTokenTtl());
        AccessTokenMinter minter = new AccessTokenMinter(policy, keys::ring);
        this.usage = new UsageCounter(config.usageCounting());
        this.pipelines = Pipelines.of(new Pipelines.Parts(clients, stores.tokens(), stores.asyncTokens(), jwts,
                minter, masterKey, policy, revocations, this::isCurrent, usage, workers, clock,
                stores.authorizations(), new dev.latchkey.core.token.IdTokenMinter(issuer, idKeys),
                new DpopCheck(java.net.URI.create(issuer + Routes.TOKEN), dpopNonces, config.dpopNonce(),
                        stores.authorizations(), clock),
                new Quotas(config.usageCounting() ? stores.usage() : null, config.usageFlushInterval(), workers, clock),
                mtlsAnchors(config.mtlsCa()), new dev.latchkey.server.pipeline.FederatedIdentities(
                        dev.latchkey.server.config.FederationFile.of(config.federation()),
                        java.util.List.of(issuer, issuer + Routes.TOKEN))));
        this.authorizations = new dev.latchkey.core.authorize.Authorizations(clients, stores.authorizations(),
                config.users(), clock);
        this.clientManagement = new ClientManagement(stores.clients(), stores.tokens(), stores.catalogue(), clients,
                registrar, revocations, config.limits(), clock);
        this.accountManagement = new AccountManagement(stores.accounts(), PasswordHasher.standard(), clock);
        this.catalogueManagement = new CatalogueManagement(stores.catalogue(), stores.accounts(), clock);
    }

    /**
     * Opens the stores and keys of an installation that exists, without background work: for the
     * management commands, which never create one.
     */
    public static Assembly open(ServerConfig config, String issuer, Clock clock) {
        return open(config, issuer, clock, true);
    }

    private static Assembly open(ServerConfig config, String issuer, Clock clock, boolean existingInstallation) {
        // One server per SQLite data directory: the lock first, before the store is opened.
        java.nio.channels.FileLock lock = existingInstallation || config.dbUrl() != null ? null
                : DataDirectory.open(config.dataDir()).lockForServing();
        Assembly assembly;
        try {
            assembly = new Assembly(config, issuer, clock, existingInstallation);
        } catch (RuntimeException e) {
            release(lock);
            throw e;
        }
        assembly.servingLock = lock;
        try {
            assembly.keys.reload();
            assembly.idKeys.reload();
        } catch (IllegalStateException e) {
            assembly.close();
            throw new IllegalStateException("The signing keys in the database do not open under this master key;"
                    + " use the master key they were sealed with (LATCHKEY_MASTER_KEY or "
                    + DataDirectory.MASTER_KEY_FILE + "), or, if it is lost, run `latchkey keys reset --yes`"
                    + " (JWTs signed with the old keys stop verifying).", e);
        }
        return assembly;
    }

    /** Opens everything and starts the change feed and the purge: for a serving node. */
    public static Assembly start(ServerConfig config, String issuer, Clock clock) {
        Assembly assembly = open(config, issuer, clock, false);
        try {
            assembly.startServing(config, clock);
        } catch (RuntimeException e) {
            assembly.close(); // the store, the workers and the data directory's lock
            throw e;
        }
        return assembly;
    }

    private void startServing(ServerConfig config, Clock clock) {
        keys.ensureSigningKey(config.signingAlgorithm());
        // Position first, then the revocations: an entry written in between is read twice, never missed.
        long position = stores.changes().latestSeq();
        stores.changes().activeRevocations(clock.instant()).forEach(revocations::apply);
        feed = new ChangeFeed(stores.changes(), position, this::apply);
        feed.start(config.changePollInterval());
        stores.subscribe(feed::wake);
        maintenance = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "latchkey-purge");
            thread.setDaemon(true);
            return thread;
        });
        // Every 5 s: also drops sealed grace-window successors soon after their window ends.
        maintenance.scheduleWithFixedDelay(this::purge, 5, 5, TimeUnit.SECONDS);
        if (config.auditLog() != null) {
            auditStream = AuditStream.to(config.auditLog(), stores.audit());
            maintenance.scheduleWithFixedDelay(auditStream::poll, 1, 1, TimeUnit.SECONDS);
        }
        long flush = config.usageFlushInterval().toMillis();
        maintenance.scheduleWithFixedDelay(this::flushUsage, flush, flush, TimeUnit.MILLISECONDS);
        bootstrapAdmin();
    }

    /**
     * LATCHKEY_BOOTSTRAP_ADMIN_PASSWORD makes the first admin ({@code admin}) while no account
     * exists; once one does, it is ignored. The admin must change that password (the dashboard
     * shows a banner until then). Two nodes starting at once: the second insert fails on the
     * unique name, and is ignored.
     */
    void bootstrapAdmin() {
        String password = config.bootstrapAdminPassword();
        if (password == null || !accountManagement.isEmpty()) {
            return;
        }
        try {
            accountManagement.createAdmin(Actor.bootstrap(), BOOTSTRAP_ADMIN, password.toCharArray(), true);
            LOG.info("Created the admin account '{}' from LATCHKEY_BOOTSTRAP_ADMIN_PASSWORD; change its password"
                    + " at the first sign-in", BOOTSTRAP_ADMIN);
        } catch (ManagementException e) {
            throw new IllegalStateException("LATCHKEY_BOOTSTRAP_ADMIN_PASSWORD: " + e.getMessage(), e);
        } catch (StoreUnavailableException raced) {
            LOG.info("Another node created the first admin");
        }
    }

    /** Hands the usage counted since the last flush to the store; what it refuses waits for the next. */
    void flushUsage() {
        try {
            usage.drain(clock.instant(), stores.usage());
        } catch (RuntimeException e) {
            LOG.warn("Writing usage counts failed; they are kept for the next try: {}", e.toString());
        }
    }

    /** What the web layer serves. */
    public Services services() {
        Management management = new Management(clientManagement, accountManagement, catalogueManagement,
                new AuditLog(stores.audit()), new UsageReport(stores.usage(), stores.clients(), clock), keys,
                pipelines.introspection()::verifyAccessToken, stores::isAvailable, issuer, clock);
        // Ready: the database reads and takes writes, a key signs, and every migration is applied.
        java.util.function.Supplier<Map<String, Boolean>> readiness = () -> {
            Map<String, Boolean> checks = new java.util.LinkedHashMap<>();
            checks.put("database", stores.isAvailable());
            checks.put("signing_key", keys.signingKey().isPresent());
            checks.put("migrations", stores.migrationsCurrent());
            return checks;
        };
        return new Services(pipelines, registrar, keys, readiness, workers, clock, management,
                new dev.latchkey.server.signin.UserServices(authorizations, new dev.latchkey.core.authorize.DeviceFlows(
                        stores.authorizations(), config.users(), clock), idKeys, stores.accounts(), clients,
                new dev.latchkey.core.authorize.ConnectedApps(stores.authorizations(), stores.tokens(), clients,
                        revocations, clock)), event -> stores.audit().append(event), telemetry());
    }

    /** What /metrics reads at a scrape: the store's numbers, reuse detections, every signing key. */
    private Telemetry telemetry() {
        return new Telemetry() {
            @Override
            public Telemetry.Store store() {
                dev.latchkey.store.jdbc.StoreStats stats = stores.stats();
                return new Telemetry.Store(stats.poolActive(), stats.poolIdle(), stats.poolTotal(), stats.poolWaiting(),
                        stats.writesQueued(), stats.batches(), stats.batchedWrites());
            }

            @Override
            public long reuseDetections() {
                return pipelines.reuseDetections();
            }

            @Override
            public java.util.List<dev.latchkey.core.key.KeyRing.KeyState> signingKeys() {
                Instant now = clock.instant();
                java.util.List<dev.latchkey.core.key.KeyRing.KeyState> all = new java.util.ArrayList<>(
                        keys.ring().states(now, keys.maxTokenTtl()));
                all.addAll(idKeys.ring().states(now, idKeys.maxTokenTtl()));
                return all;
            }
        };
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
            idKeys.reload();
            if (keys.ring().all().isEmpty()) {
                // `keys reset` ran while this node serves: a new key under this node's master key.
                keys.ensureSigningKey(config.signingAlgorithm());
            }
            LOG.info("Signing keys reloaded: {}", keys.ring().all());
        }
    }

    /** Deletes expired rows in small batches until none are left; safe on every node at once. */
    void purge() {
        try {
            untilShort(() -> stores.tokens().purgeExpired(clock.instant(), PURGE_BATCH));
            revocations.prune(clock.instant());
            Instant now = clock.instant();
            stores.accounts().purgeSessions(now, PURGE_BATCH);
            // Spent jti arrive as fast as tokens (one per private_key_jwt or DPoP request), so they are
            // purged until none are left too; kept SPENT_JTI_MARGIN longer, for a node whose clock is behind.
            untilShort(() -> stores.authorizations().purgeAssertions(now.minus(SPENT_JTI_MARGIN), PURGE_BATCH));
            if (Duration.between(lastUsagePurge, now).toHours() >= 1) {
                stores.usage().purge(now.minus(USAGE_KEPT), PURGE_BATCH);
                lastUsagePurge = now;
            }
            // Audit retention: one small batch per round, so it never holds the writer for long.
            stores.audit().purgeBefore(now.minus(config.auditRetention()), PURGE_BATCH);
        } catch (RuntimeException e) {
            LOG.warn("Purge of expired tokens failed; will retry: {}", e.toString());
        }
    }

    /** Runs a purge of PURGE_BATCH rows again and again until one touches fewer: nothing left to purge. */
    private static void untilShort(java.util.function.IntSupplier purgeOneBatch) {
        int touched;
        do {
            touched = purgeOneBatch.getAsInt();
        } while (touched >= PURGE_BATCH);
    }

    public ServerConfig config() {
        return config;
    }

    /** The stores, for the command line and for tests. */
    public JdbcStores stores() {
        return stores;
    }

    public KeyManager keys() {
        return keys;
    }

    /** The keys that sign id_tokens, one staged rotation per algorithm (OpenID Connect). */
    public KeyManager idKeys() {
        return idKeys;
    }

    public ClientRegistrar registrar() {
        return registrar;
    }

    /** The pipelines, for benchmarks that call them without HTTP. */
    /** The CAs tls_client_auth accepts (--mtls-ca), read once at the start; none without the option. */
    private static java.util.Set<java.security.cert.TrustAnchor> mtlsAnchors(java.nio.file.Path bundle) {
        if (bundle == null) {
            return java.util.Set.of();
        }
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(bundle)) {
            java.util.Set<java.security.cert.TrustAnchor> anchors = new java.util.HashSet<>();
            for (java.security.cert.Certificate certificate : java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificates(in)) {
                anchors.add(new java.security.cert.TrustAnchor((java.security.cert.X509Certificate) certificate, null));
            }
            if (anchors.isEmpty()) {
                throw new IllegalArgumentException("--mtls-ca " + bundle + " holds no certificate");
            }
            return anchors;
        } catch (java.io.IOException | java.security.cert.CertificateException e) {
            throw new IllegalArgumentException("--mtls-ca " + bundle + " is not a PEM file of certificates: "
                    + e.getMessage(), e);
        }
    }

    public Pipelines pipelines() {
        return pipelines;
    }

    public ClientManagement clientManagement() {
        return clientManagement;
    }

    public AccountManagement accountManagement() {
        return accountManagement;
    }

    public CatalogueManagement catalogueManagement() {
        return catalogueManagement;
    }

    public UsageCounter usage() {
        return usage;
    }

    /** Stops the background work, writes the usage counted since the last flush, closes the stores. */
    @Override
    public void close() {
        if (feed != null) {
            feed.close();
        }
        if (maintenance != null) {
            maintenance.shutdownNow();
            try {
                maintenance.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            flushUsage();
            if (auditStream != null) {
                auditStream.poll(); // what was committed until now, before the store closes
            }
        }
        workers.close();
        stores.close();
        release(servingLock);
    }

    private static void release(java.nio.channels.FileLock lock) {
        if (lock != null) {
            try {
                lock.channel().close(); // releases the lock
            } catch (java.io.IOException e) {
                LOG.warn("Releasing the data directory's lock failed: {}", e.toString());
            }
        }
    }
}
