package dev.latchkey.core.manage;

import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.catalogue.Api;
import dev.latchkey.core.catalogue.ApiScope;
import dev.latchkey.core.client.AuthMethod;
import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.client.StoredSecret;
import dev.latchkey.core.manage.CatalogueManagement.ScopeSpec;
import dev.latchkey.core.secret.ClientSecret;
import dev.latchkey.core.store.DeclarationStore;
import dev.latchkey.core.store.DeclarationStore.Declared;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Clock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code latchkey apply}: makes the APIs and client applications a file declares exist as declared.
 * An object the file names is created once (and remembered under its name in the
 * {@link DeclarationStore}), changed only where it differs, and left alone where it does not, so
 * applying the same file twice changes nothing. With prune, what an earlier apply created and the
 * file no longer names is deleted; nothing an apply did not create is ever deleted. An API the file
 * names by an identifier the catalogue already has is taken over (updated, never pruned).
 */
public final class Declarations {

    static final String API = "api";
    static final String CLIENT = "client";

    /** An API as the file declares it; {@code name} is the file's name for it. */
    public record DesiredApi(String name, String title, URI identifier, String description, List<ScopeSpec> scopes) {
    }

    /**
     * A client as the file declares it: RFC 7591 metadata, whether it is disabled, and its secret
     * when the file refers to one (null: generated at creation and shown once, never changed after).
     */
    public record DesiredClient(String name, Map<String, Object> metadata, boolean disabled, ClientSecret secret) {
    }

    public record Desired(List<DesiredApi> apis, List<DesiredClient> clients) {
    }

    public enum Action {
        CREATE, UPDATE, UNCHANGED, DELETE,
        /** Created by an earlier apply, no longer in the file, kept because prune was not asked for. */
        ORPHANED
    }

    /**
     * One object's outcome. {@code changes} names what differs ({@code scope: "a" -> "a b"});
     * {@code newSecret} is a secret generated for a new client, to be shown once.
     */
    public record Step(Action action, String kind, String name, String objectId, List<String> changes,
            ClientSecret newSecret) {
    }

    private final ClientManagement clients;
    private final CatalogueManagement catalogue;
    private final DeclarationStore declarations;
    private final Actor actor;
    private final Clock clock;

    public Declarations(ClientManagement clients, CatalogueManagement catalogue, DeclarationStore declarations,
            Actor actor, Clock clock) {
        this.clients = clients;
        this.catalogue = catalogue;
        this.declarations = declarations;
        this.actor = actor;
        this.clock = clock;
    }

    /** What applying would do, changing nothing. */
    public List<Step> plan(Desired desired, boolean prune) {
        return run(desired, prune, false);
    }

    /** Does it: APIs first (so clients' scopes find them), then clients, then the pruning. */
    public List<Step> apply(Desired desired, boolean prune) {
        run(desired, prune, false); // every client's metadata checked before anything changes
        return run(desired, prune, true);
    }

    private List<Step> run(Desired desired, boolean prune, boolean change) {
        requireUniqueNames(desired);
        Map<String, String> declaredApis = new HashMap<>();
        Map<String, String> declaredClients = new HashMap<>();
        for (Declared declared : declarations.all()) {
            (declared.kind().equals(API) ? declaredApis : declaredClients).put(declared.name(), declared.objectId());
        }
        List<Step> steps = new ArrayList<>();
        for (DesiredApi api : desired.apis()) {
            steps.add(api(api, declaredApis.get(api.name()), change));
        }
        for (DesiredClient client : desired.clients()) {
            steps.add(client(client, declaredClients.get(client.name()), change));
        }
        Set<String> namedClients = new LinkedHashSet<>();
        desired.clients().forEach(client -> namedClients.add(client.name()));
        Set<String> namedApis = new LinkedHashSet<>();
        desired.apis().forEach(api -> namedApis.add(api.name()));
        // Clients before APIs: a client may hold an API's scopes.
        prune(CLIENT, declaredClients, namedClients, prune, change, steps);
        prune(API, declaredApis, namedApis, prune, change, steps);
        return steps;
    }

    private static void requireUniqueNames(Desired desired) {
        Set<URI> identifiers = new TreeSet<>();
        for (DesiredApi api : desired.apis()) {
            if (!identifiers.add(api.identifier())) {
                throw ManagementException.invalid("two APIs have the identifier " + api.identifier());
            }
        }
    }

    private Step api(DesiredApi desired, String declaredId, boolean change) {
        Optional<Api> existing = Optional.ofNullable(declaredId).flatMap(id -> catalogue.snapshot().apis().stream()
                .filter(api -> api.apiId().equals(id)).findFirst());
        if (existing.isEmpty()) {
            existing = catalogue.snapshot().apis().stream()
                    .filter(api -> api.identifier().equals(desired.identifier())).findFirst();
        }
        if (existing.isEmpty()) {
            String id = null;
            if (change) {
                Api created = catalogue.create(actor, desired.title(), desired.identifier().toString(),
                        desired.description(), desired.scopes());
                declarations.put(new Declared(API, desired.name(), created.apiId()));
                id = created.apiId();
            }
            return new Step(Action.CREATE, API, desired.name(), id, List.of(), null);
        }
        Api api = existing.get();
        if (!api.identifier().equals(desired.identifier())) {
            throw ManagementException.invalid("API " + desired.name() + ": an identifier cannot change (tokens carry"
                    + " it); it is " + api.identifier());
        }
        List<String> changes = new ArrayList<>();
        compare(changes, "name", api.name(), strip(desired.title()));
        compare(changes, "description", api.description(), strip(desired.description()));
        compare(changes, "scopes", scopes(api.scopes()), specs(desired.scopes()));
        if (changes.isEmpty()) {
            return new Step(Action.UNCHANGED, API, desired.name(), api.apiId(), List.of(), null);
        }
        if (change) {
            catalogue.update(actor, api.apiId(), desired.title(), desired.description(), desired.scopes());
        }
        return new Step(Action.UPDATE, API, desired.name(), api.apiId(), changes, null);
    }

    private Step client(DesiredClient desired, String declaredId, boolean change) {
        ClientMetadata planned = clients.planned(desired.metadata());
        if (desired.secret() != null && planned.authMethod() == AuthMethod.NONE) {
            throw ManagementException.invalid("client " + desired.name() + " is public (token_endpoint_auth_method"
                    + " none): it has no secret");
        }
        Optional<RegisteredClient> existing = Optional.empty();
        if (declaredId != null) {
            try {
                existing = Optional.of(clients.show(actor, declaredId));
            } catch (ManagementException gone) {
                // deleted since: made again
            }
        }
        if (existing.isEmpty()) {
            if (!change) {
                return new Step(Action.CREATE, CLIENT, desired.name(), null, List.of(), null);
            }
            ClientManagement.Created created = clients.create(actor, desired.metadata(), null);
            String id = created.client().clientId();
            declarations.put(new Declared(CLIENT, desired.name(), id));
            ClientSecret shown = created.secret();
            if (desired.secret() != null) {
                clients.replaceSecrets(actor, id, desired.secret(), "from the applied file");
                shown = null;
            }
            if (desired.disabled()) {
                clients.setDisabled(actor, id, true);
            }
            return new Step(Action.CREATE, CLIENT, desired.name(), id, List.of(), shown);
        }
        RegisteredClient client = existing.get();
        List<String> changes = new ArrayList<>();
        Map<String, Object> before = client.metadata().toJson();
        Map<String, Object> after = planned.toJson();
        Set<String> members = new LinkedHashSet<>(before.keySet());
        members.addAll(after.keySet());
        for (String member : members) {
            compare(changes, member, before.get(member), after.get(member));
        }
        compare(changes, "disabled", client.disabled(), desired.disabled());
        boolean newSecret = desired.secret() != null && !holds(client, desired.secret());
        if (newSecret) {
            changes.add("secret: replaced by the file's");
        }
        if (changes.isEmpty()) {
            return new Step(Action.UNCHANGED, CLIENT, desired.name(), client.clientId(), List.of(), null);
        }
        if (change) {
            if (!Objects.equals(before, after)) {
                clients.update(actor, client.clientId(), after);
            }
            if (client.disabled() != desired.disabled()) {
                clients.setDisabled(actor, client.clientId(), desired.disabled());
            }
            if (newSecret) {
                clients.replaceSecrets(actor, client.clientId(), desired.secret(), "from the applied file");
            }
        }
        return new Step(Action.UPDATE, CLIENT, desired.name(), client.clientId(), changes, null);
    }

    private void prune(String kind, Map<String, String> declared, Set<String> named, boolean prune, boolean change,
            List<Step> steps) {
        for (Map.Entry<String, String> entry : declared.entrySet()) {
            if (named.contains(entry.getKey())) {
                continue;
            }
            if (!prune) {
                steps.add(new Step(Action.ORPHANED, kind, entry.getKey(), entry.getValue(), List.of(), null));
                continue;
            }
            if (change) {
                try {
                    if (kind.equals(CLIENT)) {
                        clients.delete(actor, entry.getValue());
                    } else {
                        catalogue.delete(actor, entry.getValue());
                    }
                } catch (ManagementException alreadyGone) {
                    // deleted since: only the declaration is left to forget
                }
                declarations.remove(kind, entry.getKey());
            }
            steps.add(new Step(Action.DELETE, kind, entry.getKey(), entry.getValue(), List.of(), null));
        }
    }

    /** True if one of the client's live secrets is {@code secret} (constant-time comparison of hashes). */
    private boolean holds(RegisteredClient client, ClientSecret secret) {
        byte[] wanted = secret.hash().getBytes(StandardCharsets.US_ASCII);
        for (StoredSecret stored : client.liveSecrets(clock.instant())) {
            if (MessageDigest.isEqual(wanted, stored.hash().getBytes(StandardCharsets.US_ASCII))) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> scopes(List<ApiScope> scopes) {
        Set<String> described = new TreeSet<>();
        scopes.forEach(scope -> described.add(scope.value() + (scope.restricted() ? " (restricted)" : "")
                + ": " + scope.description()));
        return described;
    }

    private static Set<String> specs(List<ScopeSpec> specs) {
        Set<String> described = new TreeSet<>();
        specs.forEach(spec -> described.add(strip(spec.value()) + (spec.restricted() ? " (restricted)" : "")
                + ": " + strip(spec.description())));
        return described;
    }

    private static String strip(String text) {
        return text == null ? "" : text.strip();
    }

    private static void compare(List<String> changes, String what, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            changes.add(what + ": " + show(before) + " -> " + show(after));
        }
    }

    private static String show(Object value) {
        return value instanceof String text ? '"' + text + '"' : String.valueOf(value);
    }
}
