package dev.latchkey.core.manage;

import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.audit.AuditEvents;

import dev.latchkey.core.catalogue.Catalogue;
import dev.latchkey.core.client.ClientLimits;
import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.client.StoredSecret;
import dev.latchkey.core.error.OAuthException;
import dev.latchkey.core.registry.ClientDirectory;
import dev.latchkey.core.registry.ClientRegistrar;
import dev.latchkey.core.secret.ClientSecret;
import dev.latchkey.core.store.CatalogueStore;
import dev.latchkey.core.store.ClientStore;
import dev.latchkey.core.store.Cursor;
import dev.latchkey.core.store.Page;
import dev.latchkey.core.store.TokenStore;
import dev.latchkey.core.store.record.Change;
import dev.latchkey.core.store.record.FamilySummary;
import dev.latchkey.core.token.RevocationList;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Client applications as the dashboard, the admin API and the command line manage them: create,
 * list, read, change settings and allowed scopes, add, rotate, expire and revoke secrets, revoke
 * tokens, disable, enable, delete. Every change writes exactly one audit entry, in the transaction
 * that makes it, and reaches every node through the change log.
 *
 * <p>Who may do what: an admin anything; a developer only on the clients they own (another's is
 * not found, so nothing leaks), and only scopes of the catalogue open to them (public ones, and
 * restricted ones an admin granted them). Thread-safe.
 */
public final class ClientManagement {

    /** A new client and its secret, shown this once. */
    public record Created(RegisteredClient client, ClientSecret secret, String registrationAccessToken) {
        @Override
        public String toString() {
            return "Created[client=" + client.clientId() + "]";
        }
    }

    /** A new secret, shown this once. */
    public record NewSecret(StoredSecret stored, ClientSecret value) {
        @Override
        public String toString() {
            return "NewSecret[" + stored.secretId() + "]";
        }
    }

    /** How long an old secret keeps working after a rotation: the choices the dashboard offers. */
    public static final List<Duration> OVERLAPS =
            List.of(Duration.ZERO, Duration.ofHours(1), Duration.ofHours(24), Duration.ofDays(7));

    private static final int MAX_NAME = 100;

    private final ClientStore clients;
    private final TokenStore tokens;
    private final CatalogueStore catalogue;
    private final ClientDirectory directory;
    private final ClientRegistrar registrar;
    private final RevocationList revocations;
    private final ClientLimits limits;
    private final AuditEvents audits;
    private final Clock clock;

    public ClientManagement(ClientStore clients, TokenStore tokens, CatalogueStore catalogue,
            ClientDirectory directory, ClientRegistrar registrar, RevocationList revocations, ClientLimits limits,
            Clock clock) {
        this.clients = clients;
        this.tokens = tokens;
        this.catalogue = catalogue;
        this.directory = directory;
        this.registrar = registrar;
        this.revocations = revocations;
        this.limits = limits;
        this.audits = new AuditEvents(clock);
        this.clock = clock;
    }

    /**
     * A new client from RFC 7591 client metadata, owned by {@code ownerId} (an admin may name any
     * account or none; a developer's clients are always their own).
     */
    public Created create(Actor actor, Map<String, ?> metadataJson, String ownerId) {
        ClientMetadata requested = parse(metadataJson);
        // It may ask tokens for the APIs its scopes belong to, as the Access tab arranges.
        Map<String, Object> json = new LinkedHashMap<>(metadataJson);
        json.put("resources", apiResources(requested.scope().values(), requested.resources(), catalogue.snapshot()));
        ClientMetadata metadata = parse(json);
        String owner = actor.admin() ? ownerId : actor.accountId();
        requireWithinCatalogue(actor, metadata, null);
        requireFirstPartyByAdmin(actor, metadata, null);
        ClientRegistrar.Registration registration = registrar.register(metadata, actor, owner);
        return new Created(registration.client(), registration.secret(), registration.registrationAccessToken());
    }

    /**
     * The metadata {@link #create} would give a client from {@code metadataJson}: parsed, with the
     * identifiers of the APIs its scopes belong to among its resources. For comparing before changing.
     */
    public ClientMetadata planned(Map<String, ?> metadataJson) {
        ClientMetadata requested = parse(metadataJson);
        Map<String, Object> json = new LinkedHashMap<>(metadataJson);
        json.put("resources", apiResources(requested.scope().values(), requested.resources(), catalogue.snapshot()));
        return parse(json);
    }

    /**
     * Makes {@code value} the client's only secret (a secret kept outside Latchkey, as a file to apply
     * names it): added first, then the others revoked, so the client is never without one it knows.
     */
    public void replaceSecrets(Actor actor, String clientId, ClientSecret value, String name) {
        RegisteredClient before = show(actor, clientId);
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        if (before.liveSecrets(now).size() >= RegisteredClient.MAX_LIVE_SECRETS) {
            for (StoredSecret old : before.secrets()) {
                revokeSecret(actor, clientId, old.secretId());
            }
            before = show(actor, clientId);
        }
        add(actor, before, new StoredSecret(StoredSecret.newId(), name, value.hash(), now, null, null), now);
        for (StoredSecret old : before.secrets()) {
            revokeSecret(actor, clientId, old.secretId());
        }
    }

    /** Only an admin makes a client first-party: its users are never asked to consent. */
    private static void requireFirstPartyByAdmin(Actor actor, ClientMetadata metadata, ClientMetadata before) {
        if (!actor.admin() && metadata.userFlows().firstParty()
                && (before == null || !before.userFlows().firstParty())) {
            throw ManagementException.forbidden("only an admin makes a client first-party");
        }
    }

    /** The client, if the actor may see it. */
    public RegisteredClient show(Actor actor, String clientId) {
        RegisteredClient client = clients.find(clientId).orElseThrow(() -> ManagementException.notFound("client"));
        if (!mayManage(actor, client)) {
            throw ManagementException.notFound("client");
        }
        return client;
    }

    /** A page of the clients the actor may see, newest first; {@code search} matches a name or an id. */
    public Page<RegisteredClient> list(Actor actor, String search, String cursor, int limit) {
        return list(actor, search, null, cursor, limit);
    }

    /** The same, of the clients that may ask for {@code scope} (null: any). */
    public Page<RegisteredClient> list(Actor actor, String search, String scope, String cursor, int limit) {
        String owner = actor.admin() ? null : actor.accountId();
        if (!actor.admin() && owner == null) {
            return new Page<>(List.of(), null);
        }
        return clients.list(new ClientStore.Query(blankToNull(search), owner, blankToNull(scope), cursor(cursor), Math.max(1, Math.min(limit, 200))));
    }

    /**
     * Changes settings: the members given replace the client's (RFC 7591 names), the others stay.
     * {@code scope} follows the catalogue's rules as in {@link #setScopes}.
     */
    public RegisteredClient update(Actor actor, String clientId, Map<String, ?> changes) {
        RegisteredClient before = show(actor, clientId);
        Map<String, Object> merged = new LinkedHashMap<>(before.metadata().toJson());
        merged.putAll(changes);
        ClientMetadata metadata = parse(merged);
        requireWithinCatalogue(actor, metadata, before.metadata());
        requireFirstPartyByAdmin(actor, metadata, before.metadata());
        RegisteredClient after = before.withMetadata(metadata);
        return save(actor, "client.update", before, after);
    }

    /**
     * The Access tab: replaces the scopes the client may ask for, and lets it ask tokens for the
     * APIs those scopes belong to (their identifiers join its RFC 8707 resources; resources that
     * name no API of the catalogue stay as they were).
     */
    public RegisteredClient setScopes(Actor actor, String clientId, List<String> scopes) {
        RegisteredClient before = show(actor, clientId);
        return update(actor, clientId, Map.of("scope", String.join(" ", scopes),
                "resources", apiResources(scopes, before.metadata().resources(), catalogue.snapshot())));
    }

    /**
     * The resources of a client with these scopes: the identifiers of the catalogue's APIs they
     * belong to, and those of {@code current} that name no API of the catalogue.
     */
    private static List<String> apiResources(java.util.Collection<String> scopes, List<URI> current,
            Catalogue snapshot) {
        Set<URI> apis = new HashSet<>();
        snapshot.apis().forEach(api -> apis.add(api.identifier()));
        Set<String> resources = new LinkedHashSet<>();
        current.stream().filter(uri -> !apis.contains(uri)).forEach(uri -> resources.add(uri.toString()));
        scopes.forEach(scope -> snapshot.apiOf(scope).ifPresent(api -> resources.add(api.identifier().toString())));
        return List.copyOf(resources);
    }

    public RegisteredClient setDisabled(Actor actor, String clientId, boolean disabled) {
        RegisteredClient before = show(actor, clientId);
        return save(actor, disabled ? "client.disable" : "client.enable", before, before.withDisabled(disabled));
    }

    /** An admin gives the client to another owner (or none). */
    public RegisteredClient setOwner(Actor actor, String clientId, String ownerId) {
        requireAdmin(actor);
        RegisteredClient before = show(actor, clientId);
        return save(actor, "client.owner", before, before.withOwner(ownerId));
    }

    public void delete(Actor actor, String clientId) {
        RegisteredClient before = show(actor, clientId);
        clients.delete(clientId, clock.instant(), audits.client(actor, "client.delete", before, null));
        directory.invalidate(clientId);
    }

    /** A new secret, up to {@link RegisteredClient#MAX_LIVE_SECRETS} live ones. */
    public NewSecret addSecret(Actor actor, String clientId, String name, Instant expiresAt) {
        RegisteredClient before = show(actor, clientId);
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        if (before.liveSecrets(now).size() >= RegisteredClient.MAX_LIVE_SECRETS) {
            throw ManagementException.conflict("a client has at most " + RegisteredClient.MAX_LIVE_SECRETS
                    + " live secrets: expire or revoke one first");
        }
        NewSecret secret = newSecret(name, now, expiresAt);
        add(actor, before, secret.stored(), now);
        return secret;
    }

    /** Stores one more secret of the client's, with its audit entry. */
    private void add(Actor actor, RegisteredClient before, StoredSecret stored, Instant now) {
        List<StoredSecret> secrets = new ArrayList<>(before.secrets());
        secrets.add(stored);
        clients.addSecret(before.clientId(), stored, now,
                audits.client(actor, "client.secret.add", before, before.withSecrets(secrets)));
        directory.invalidate(before.clientId());
    }

    /**
     * Rotation: a new secret, shown once, and the old one set to expire after {@code overlap}
     * (one of {@link #OVERLAPS}); during the overlap both authenticate. One audit entry.
     */
    public NewSecret rotateSecret(Actor actor, String clientId, String secretId, Duration overlap, String name) {
        if (!OVERLAPS.contains(overlap)) {
            throw ManagementException.invalid("overlap must be none, 1 hour, 24 hours or 7 days");
        }
        RegisteredClient before = show(actor, clientId);
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        StoredSecret old = secret(before, secretId);
        long live = before.liveSecrets(now).size() - (old.isLive(now) && overlap.isZero() ? 1 : 0);
        if (live >= RegisteredClient.MAX_LIVE_SECRETS) {
            throw ManagementException.conflict("a client has at most " + RegisteredClient.MAX_LIVE_SECRETS
                    + " live secrets: expire or revoke one first");
        }
        Instant oldExpiry = now.plus(overlap);
        if (old.expiresAt() != null && old.expiresAt().isBefore(oldExpiry)) {
            oldExpiry = old.expiresAt();
        }
        NewSecret secret = newSecret(name == null ? "rotated " + now : name, now, null);
        List<StoredSecret> secrets = new ArrayList<>();
        for (StoredSecret existing : before.secrets()) {
            secrets.add(existing.secretId().equals(secretId) ? existing.withExpiry(oldExpiry) : existing);
        }
        secrets.add(secret.stored());
        if (!clients.rotateSecret(clientId, secretId, oldExpiry, secret.stored(), now,
                audits.client(actor, "client.secret.rotate", before, before.withSecrets(secrets)))) {
            throw ManagementException.notFound("secret");
        }
        directory.invalidate(clientId);
        return secret;
    }

    /** Sets when a secret stops working; a time already past expires it at once. */
    public RegisteredClient expireSecret(Actor actor, String clientId, String secretId, Instant expiresAt) {
        RegisteredClient before = show(actor, clientId);
        secret(before, secretId);
        List<StoredSecret> secrets = before.secrets().stream()
                .map(s -> s.secretId().equals(secretId) ? s.withExpiry(expiresAt) : s).toList();
        RegisteredClient after = before.withSecrets(secrets);
        clients.setSecretExpiry(clientId, secretId, expiresAt, clock.instant(),
                audits.client(actor, "client.secret.expire", before, after));
        directory.invalidate(clientId);
        return after;
    }

    /** Removes a secret at once. */
    public RegisteredClient revokeSecret(Actor actor, String clientId, String secretId) {
        RegisteredClient before = show(actor, clientId);
        secret(before, secretId);
        RegisteredClient after = before.withSecrets(
                before.secrets().stream().filter(s -> !s.secretId().equals(secretId)).toList());
        clients.deleteSecret(clientId, secretId, clock.instant(),
                audits.client(actor, "client.secret.revoke", before, after));
        directory.invalidate(clientId);
        return after;
    }

    /**
     * Revokes everything the client holds: every refresh token family, every opaque access token,
     * and its JWTs issued until now (they introspect inactive on every node).
     */
    public void revokeTokens(Actor actor, String clientId) {
        RegisteredClient client = show(actor, clientId);
        Instant now = clock.instant();
        Instant rememberUntil = now.plus(limits.maxAccessTokenTtl());
        tokens.revokeClientTokens(clientId, now, rememberUntil,
                audits.client(actor, "client.tokens.revoke", client, client));
        revocations.apply(new Change(0, Change.Kind.CLIENT_TOKENS_REVOKED,
                Change.clientTokensRef(clientId, now), rememberUntil));
    }

    /** The Tokens tab: families with a usable refresh token, newest first. */
    public Page<FamilySummary> families(Actor actor, String clientId, String cursor, int limit) {
        show(actor, clientId);
        return tokens.families(clientId, clock.instant(), cursor(cursor), Math.max(1, Math.min(limit, 200)));
    }

    /** Revokes one family of the client's. */
    public void revokeFamily(Actor actor, String clientId, String familyId) {
        RegisteredClient client = show(actor, clientId);
        Instant now = clock.instant();
        tokens.revokeFamily(familyId, now, audits.event(actor, "client.family.revoke", "family", familyId,
                client.ownerId(), null, Map.of("client_id", clientId))).ifPresent(until ->
                revocations.apply(new Change(0, Change.Kind.FAMILY_REVOKED, familyId, until)));
    }

    /** True if the actor may see and change the client. */
    public static boolean mayManage(Actor actor, RegisteredClient client) {
        return actor.admin() || actor.accountId() != null && actor.accountId().equals(client.ownerId());
    }

    private RegisteredClient save(Actor actor, String action, RegisteredClient before, RegisteredClient after) {
        if (!clients.update(after, clock.instant(), audits.client(actor, action, before, after))) {
            throw ManagementException.notFound("client");
        }
        directory.invalidate(after.clientId());
        return after;
    }

    private ClientMetadata parse(Map<String, ?> json) {
        try {
            return ClientMetadata.parse(json, limits);
        } catch (OAuthException e) {
            throw ManagementException.invalid(e.error().description());
        }
    }

    /**
     * What a developer may give their client: catalogue scopes open to them, resources that are
     * identifiers of APIs whose scopes are open to them, and no audiences to introspect beyond those
     * it holds. What the client holds already ({@code held}, null for a new client) may stay, so an
     * admin's wider choice survives a developer's edit. An admin may give anything (scopes outside
     * the catalogue show as such).
     */
    private void requireWithinCatalogue(Actor actor, ClientMetadata requested, ClientMetadata held) {
        if (actor.admin()) {
            return;
        }
        Catalogue snapshot = catalogue.snapshot();
        Set<String> heldScopes = held == null ? Set.of() : held.scope().values();
        for (String scope : requested.scope().values()) {
            if (!heldScopes.contains(scope) && (actor.account() == null || !snapshot.mayAllow(actor.account(), scope))) {
                throw ManagementException.forbidden("scope " + scope + " is not open to you; an admin can grant it");
            }
        }
        Set<URI> openApis = new HashSet<>();
        if (actor.account() != null) {
            snapshot.allowedFor(actor.account()).keySet().forEach(api -> openApis.add(api.identifier()));
        }
        List<URI> heldResources = held == null ? List.of() : held.resources();
        for (URI resource : requested.resources()) {
            if (!heldResources.contains(resource) && !openApis.contains(resource)) {
                throw ManagementException.forbidden("resource " + resource + " is not an API open to you");
            }
        }
        List<String> heldAudiences = held == null ? List.of() : held.introspectionAudiences();
        if (!heldAudiences.containsAll(requested.introspectionAudiences())) {
            throw ManagementException.forbidden("only an admin may let a client introspect other audiences");
        }
    }

    private static void requireAdmin(Actor actor) {
        if (!actor.admin()) {
            throw ManagementException.forbidden("only an admin may do this");
        }
    }

    private static StoredSecret secret(RegisteredClient client, String secretId) {
        return client.secrets().stream().filter(s -> s.secretId().equals(secretId)).findFirst()
                .orElseThrow(() -> ManagementException.notFound("secret"));
    }

    private static NewSecret newSecret(String name, Instant now, Instant expiresAt) {
        String label = name == null || name.isBlank() ? "secret " + now : name.strip();
        if (label.length() > MAX_NAME) {
            throw ManagementException.invalid("a secret's name is at most " + MAX_NAME + " characters");
        }
        ClientSecret value = ClientSecret.generate();
        return new NewSecret(new StoredSecret(StoredSecret.newId(), label, value.hash(), now, expiresAt, null),
                value);
    }

    static Cursor cursor(String text) {
        try {
            return Cursor.parse(text);
        } catch (IllegalArgumentException e) {
            throw ManagementException.invalid("cursor is not one this server answered");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** Used by the pages: the client's live secret count at now. */
    public int liveSecrets(RegisteredClient client) {
        return client.liveSecrets(clock.instant()).size();
    }
}
