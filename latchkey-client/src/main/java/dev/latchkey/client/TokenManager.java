package dev.latchkey.client;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps a valid access token at hand. Works against any OAuth 2.0 server.
 *
 * <pre>{@code
 * TokenManager tokens = TokenManager.builder(URI.create("https://auth.example.com/oauth2/token"))
 *         .clientCredentials(ClientAuthentication.basic(clientId, clientSecret))
 *         .scopes("read", "write")
 *         .build();
 * String accessToken = tokens.getAccessToken();
 * }</pre>
 *
 * <p><b>Fast path.</b> {@link #getAccessToken()} reads one volatile field and the monotonic clock:
 * while the token is valid it takes no lock and does no I/O. The inherent race (the token may be
 * replaced just after it is read) is harmless: the token read is still valid, it is only no longer
 * the newest.
 *
 * <p><b>Refresh.</b> A token is refreshed ahead of expiry, in the background: by the
 * {@linkplain Builder#refreshMargin margin} (default 60 s, at most half the token's lifetime) less a
 * random jitter of up to a quarter of it, so that a fleet does not refresh in step. Callers block
 * only when no valid token exists, and then all of them share one request. A token whose lifetime
 * is unknown is used but refreshed at the next opportunity. A failed refresh while the old token is
 * still valid is retried with exponential backoff and jitter; with no valid token left, callers get
 * the failure ({@link OAuthErrorException} for an OAuth error). A refresh token rejected with
 * {@code invalid_grant} falls back to client credentials when the manager has them.
 *
 * <p><b>Time.</b> Expiry is fixed when the response arrives, as a deadline on the monotonic clock;
 * server clock skew is taken out by {@link TokenResponse}.
 *
 * <p><b>Persistence.</b> Every new pair is saved to the {@link CredentialStore} before the access
 * token is handed out and before the refresh token can be used again. With a shared
 * {@link FileCredentialStore}, several processes take turns; one that finds a newer token in the
 * store adopts it instead of spending its own refresh token.
 *
 * <p>Thread-safe. Close it to stop its background thread. Tokens never appear in its
 * {@code toString()}, its exceptions or its log lines ({@link System.Logger} {@code dev.latchkey.client}).
 */
public final class TokenManager implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("dev.latchkey.client.TokenManager");
    private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(60);

    /** A token in use, with its deadlines on the monotonic clock. */
    private record Held(Credentials credentials, long expiresNanos, long refreshNanos, boolean unknownLifetime,
            boolean rejected) {

        boolean usable(long now) {
            return !rejected && (unknownLifetime || now - expiresNanos < 0);
        }

        boolean wantsRefresh(long now) {
            return now - refreshNanos >= 0;
        }

        Held rejectedCopy() {
            return new Held(credentials, expiresNanos, refreshNanos, unknownLifetime, true);
        }
    }

    private final TokenEndpoint endpoint;
    private final boolean clientCredentialsGrant;
    private final Set<String> scopes;
    private final CredentialStore store;
    private final TimeSource time;
    private final Duration margin;
    private final String initialRefreshToken;
    private final ScheduledExecutorService executor;
    private final AtomicReference<Held> current = new AtomicReference<>();
    private final AtomicReference<CompletableFuture<Held>> inflight = new AtomicReference<>();
    private volatile long retryNotBeforeNanos;
    private int consecutiveFailures; // only touched by the executor thread
    private ScheduledFuture<?> scheduled; // only touched by the executor thread

    private TokenManager(Builder builder) {
        this.time = builder.time;
        this.endpoint = new TokenEndpoint(builder.tokenEndpoint, builder.client, builder.http, time, builder.timeout);
        this.clientCredentialsGrant = builder.clientCredentialsGrant;
        this.scopes = Set.copyOf(builder.scopes);
        this.store = builder.store;
        this.margin = builder.margin;
        this.initialRefreshToken = builder.refreshToken;
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "latchkey-token-manager");
            thread.setDaemon(true);
            return thread;
        });
        this.retryNotBeforeNanos = time.nanoTime();
    }

    public static Builder builder(URI tokenEndpoint) {
        return new Builder(tokenEndpoint);
    }

    /**
     * A valid access token: the cached one while it is valid (no lock, no I/O), else a fresh one,
     * waiting for the one refresh that all concurrent callers share.
     *
     * @throws OAuthErrorException if the server refused and no valid token is left
     * @throws TokenException      if the server could not be reached and no valid token is left
     */
    public String getAccessToken() {
        return getCredentials().accessToken();
    }

    /** As {@link #getAccessToken()}, with the rest of what the server said about the token. */
    public Credentials getCredentials() {
        Held held = current.get();
        long now = time.nanoTime();
        if (held != null && held.usable(now)) {
            if (held.wantsRefresh(now) && now - retryNotBeforeNanos >= 0) {
                startRefresh(); // in the background: this caller keeps the valid token
            }
            return held.credentials();
        }
        try {
            return startRefresh().join().credentials();
        } catch (CompletionException e) {
            if (e.getCause() instanceof TokenException tokenException) {
                throw tokenException;
            }
            throw new TokenException("token refresh failed", e.getCause());
        }
    }

    /**
     * Tells the manager a resource server rejected {@code accessToken} (RFC 6750 §3.1
     * {@code invalid_token}). If it is still the current token, the next call fetches a new one;
     * if it has been replaced already, nothing happens, so many requests rejected with one token
     * cause one refresh.
     */
    public void invalidate(String accessToken) {
        current.updateAndGet(held -> held != null && held.credentials().accessToken().equals(accessToken)
                ? held.rejectedCopy() : held);
    }

    private CompletableFuture<Held> startRefresh() {
        while (true) {
            CompletableFuture<Held> running = inflight.get();
            if (running != null) {
                return running;
            }
            CompletableFuture<Held> mine = new CompletableFuture<>();
            if (inflight.compareAndSet(null, mine)) {
                try {
                    executor.execute(() -> refresh(mine));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    inflight.set(null);
                    mine.completeExceptionally(new TokenException("the token manager is closed"));
                }
                return mine;
            }
        }
    }

    // Runs on the executor thread only.
    private void refresh(CompletableFuture<Held> flight) {
        Held next;
        try {
            next = store.locked(this::refreshHoldingTheStore);
        } catch (Exception e) {
            consecutiveFailures++;
            long backoff = backoff(consecutiveFailures);
            retryNotBeforeNanos = time.nanoTime() + backoff;
            Held held = current.get();
            if (held != null && held.usable(time.nanoTime())) {
                reschedule(backoff);
            }
            LOG.log(Level.WARNING, "Token refresh failed ({0} in a row): {1}", consecutiveFailures, describe(e));
            inflight.set(null);
            flight.completeExceptionally(e instanceof TokenException ? e : new TokenException("token refresh failed", e));
            return;
        }
        consecutiveFailures = 0;
        retryNotBeforeNanos = time.nanoTime();
        // Publish before clearing the flight: a caller arriving in between finds the new token.
        current.set(next);
        reschedule(next.refreshNanos() - time.nanoTime());
        inflight.set(null);
        flight.complete(next);
    }

    private Held refreshHoldingTheStore() {
        Held held = current.get();
        String replacing = held == null ? null : held.credentials().accessToken();
        Optional<Credentials> stored = store.load();
        if (stored.isPresent() && !stored.get().accessToken().equals(replacing)) {
            // Someone else (another process, or this one before a restart) stored a token we do not
            // hold: use it rather than spend a refresh token that may already be rotated. If it is
            // due for refresh (or of unknown lifetime), the refresh follows at once, in the background.
            Held adopted = hold(stored.get(), time.nanoTime(), time.now(), false);
            if (adopted.usable(time.nanoTime())) {
                LOG.log(Level.DEBUG, "Adopted the token in the credential store");
                return adopted;
            }
        }
        String refreshToken = stored.flatMap(Credentials::refreshTokenValue)
                .or(() -> Optional.ofNullable(held).map(Held::credentials).flatMap(Credentials::refreshTokenValue))
                .orElse(initialRefreshToken);
        TokenEndpoint.Received received;
        if (refreshToken != null) {
            try {
                received = endpoint.refresh(refreshToken, scopes);
            } catch (OAuthErrorException e) {
                if (!"invalid_grant".equals(e.error()) || !clientCredentialsGrant) {
                    throw e;
                }
                LOG.log(Level.WARNING, "Refresh token rejected (invalid_grant); falling back to client credentials");
                refreshToken = null;
                received = endpoint.clientCredentials(scopes);
            }
        } else if (clientCredentialsGrant) {
            received = endpoint.clientCredentials(scopes);
        } else {
            throw new TokenException("no refresh token and no client credentials grant to obtain a token with");
        }
        Credentials credentials = Credentials.from(received.response(), refreshToken);
        // Order of writes: the new pair is durable in the store before it is published to callers
        // (the caller of this method publishes it) and before its refresh token can be sent.
        store.save(credentials);
        LOG.log(Level.DEBUG, "Obtained a new access token, expires {0}", credentials.expiresAt());
        return hold(credentials, received.nanos(), received.response().receivedAt().orElse(time.now()), true);
    }

    /**
     * Places credentials on the monotonic clock, as of {@code nanos} ↔ {@code wall}. A token of
     * unknown lifetime is used, but refreshed: at once if it came from the store (seed 003's
     * "queued for refresh"), after the margin if the server just issued it without a lifetime,
     * so that such a server is not asked again on every call.
     */
    private Held hold(Credentials credentials, long nanos, Instant wall, boolean fresh) {
        if (credentials.expiresAt() == null) {
            return new Held(credentials, nanos, fresh ? nanos + margin.toNanos() : nanos, true, false);
        }
        long remaining = Duration.between(wall, credentials.expiresAt()).toNanos();
        long expires = nanos + remaining;
        long lifetime = credentials.issuedAt() == null ? remaining
                : Duration.between(credentials.issuedAt(), credentials.expiresAt()).toNanos();
        long window = Math.max(0, Math.min(margin.toNanos(), lifetime / 2));
        long jitter = window == 0 ? 0 : ThreadLocalRandom.current().nextLong(window / 4 + 1);
        return new Held(credentials, expires, expires - window - jitter, false, false);
    }

    private void reschedule(long delayNanos) {
        if (scheduled != null) {
            scheduled.cancel(false);
        }
        scheduled = executor.schedule(() -> {
            Held held = current.get();
            if (held != null && held.wantsRefresh(time.nanoTime())) {
                startRefresh();
            }
        }, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    // Exponential from 0.5 s to 60 s, each between half and all of its step ("equal jitter").
    private static long backoff(int failures) {
        long step = Math.min(MAX_BACKOFF_NANOS, MIN_BACKOFF_NANOS << Math.min(failures - 1, 20));
        return step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
    }

    private static String describe(Exception e) {
        if (e instanceof OAuthErrorException oauth) {
            return oauth.status() + " " + oauth.error();
        }
        return e.getClass().getSimpleName();
    }

    @Override
    public void close() {
        executor.shutdownNow();
        CompletableFuture<Held> waiting = inflight.getAndSet(null);
        if (waiting != null) {
            waiting.completeExceptionally(new TokenException("the token manager is closed"));
        }
    }

    @Override
    public String toString() {
        Held held = current.get();
        return "TokenManager[" + (held == null ? "no token" : held.credentials()) + "]";
    }

    /** Configures a {@link TokenManager}. Not thread-safe. */
    public static final class Builder {

        private final URI tokenEndpoint;
        private ClientAuthentication client;
        private boolean clientCredentialsGrant;
        private String refreshToken;
        private final Set<String> scopes = new LinkedHashSet<>();
        private CredentialStore store = new InMemoryCredentialStore();
        private HttpClient http;
        private TimeSource time = TimeSource.system();
        private Duration margin = Duration.ofSeconds(60);
        private Duration timeout = Duration.ofSeconds(30);

        private Builder(URI tokenEndpoint) {
            this.tokenEndpoint = Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
        }

        /** Obtain tokens with the client credentials grant (RFC 6749 §4.4), authenticating as {@code client}. */
        public Builder clientCredentials(ClientAuthentication client) {
            this.client = client;
            this.clientCredentialsGrant = true;
            return this;
        }

        /**
         * Start from a refresh token obtained elsewhere; {@code client} is how this client
         * authenticates when it refreshes ({@link ClientAuthentication#none} for a public client).
         */
        public Builder refreshToken(String refreshToken, ClientAuthentication client) {
            this.refreshToken = Objects.requireNonNull(refreshToken, "refreshToken");
            if (this.client == null) {
                this.client = client;
            }
            return this;
        }

        public Builder scopes(String... scopes) {
            this.scopes.addAll(List.of(scopes));
            return this;
        }

        public Builder credentialStore(CredentialStore store) {
            this.store = Objects.requireNonNull(store);
            return this;
        }

        public Builder httpClient(HttpClient http) {
            this.http = http;
            return this;
        }

        public Builder timeSource(TimeSource time) {
            this.time = Objects.requireNonNull(time);
            return this;
        }

        /** How long before expiry to refresh (default 60 s; never more than half the lifetime). */
        public Builder refreshMargin(Duration margin) {
            this.margin = Objects.requireNonNull(margin);
            return this;
        }

        /** Timeout of one token request (default 30 s). */
        public Builder requestTimeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout);
            return this;
        }

        public TokenManager build() {
            if (client == null) {
                throw new IllegalStateException("set clientCredentials(...) or refreshToken(...)");
            }
            if (http == null) {
                http = HttpClient.newBuilder().connectTimeout(timeout).build();
            }
            return new TokenManager(this);
        }
    }
}
