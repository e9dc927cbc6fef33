package dev.latchkey.server.dashboard;

import dev.latchkey.core.account.Account;
import dev.latchkey.core.account.Role;
import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.audit.AuditQuery;
import dev.latchkey.core.catalogue.Api;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.manage.AccountManagement;
import dev.latchkey.core.manage.AuditLog;
import dev.latchkey.core.manage.CatalogueManagement;
import dev.latchkey.core.manage.ClientManagement;
import dev.latchkey.core.manage.ManagementException;
import dev.latchkey.core.store.Page;
import dev.latchkey.server.convert.RegistrationRequests;
import dev.latchkey.server.convert.RequestBodies;
import dev.latchkey.server.render.ClientResponses;
import dev.latchkey.server.render.Json;
import dev.latchkey.server.render.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The admin API, {@code /admin/api/v1/}: everything the dashboard does, as JSON over HTTP, through
 * the same management services. Described by the OpenAPI 3.1 document at {@value #OPENAPI} (served
 * to anyone: it holds no data); every other route takes a {@code latchkey:admin} access token or a
 * dashboard session ({@link Gate}). Errors are RFC 9457 problem details; lists are
 * {@code {"items": [...], "next_cursor": "..."}} pages with {@code ?cursor=} and {@code ?limit=}.
 */
public final class AdminApi {

    public static final String BASE = "/admin/api/v1";
    public static final String OPENAPI = "/admin/api/openapi.json";
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 200;

    /** A route's work once the caller is let in. */
    @FunctionalInterface
    private interface Handler {
        Reply handle(Actor actor, Request request);
    }

    private final Supplier<Management> management;
    private final RequestBodies bodies;

    public AdminApi(Supplier<Management> management, int maxBodyBytes) {
        this.management = management;
        this.bodies = new RequestBodies(maxBodyBytes);
    }

    /** Every route of the admin API, the OpenAPI document first. */
    public List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        routes.add(new Route("GET", OPENAPI, request -> openApi()));
        add(routes, "GET", "/clients", this::listClients);
        add(routes, "POST", "/clients", this::createClient);
        add(routes, "GET", "/clients/{client_id}", (actor, r) -> json(200, client(actor, r.parameter(0))));
        add(routes, "PATCH", "/clients/{client_id}", this::updateClient);
        add(routes, "DELETE", "/clients/{client_id}", (actor, r) -> {
            m().clients().delete(actor, r.parameter(0));
            return noContent();
        });
        add(routes, "GET", "/clients/{client_id}/secrets", (actor, r) -> {
            RegisteredClient client = m().clients().show(actor, r.parameter(0));
            Instant now = m().clock().instant();
            return json(200, Map.of("items", client.secrets().stream().map(s -> Shapes.secret(s, now)).toList()));
        });
        add(routes, "POST", "/clients/{client_id}/secrets", this::addSecret);
        add(routes, "PATCH", "/clients/{client_id}/secrets/{secret_id}", this::expireSecret);
        add(routes, "DELETE", "/clients/{client_id}/secrets/{secret_id}", (actor, r) -> {
            m().clients().revokeSecret(actor, r.parameter(0), r.parameter(1));
            return noContent();
        });
        add(routes, "POST", "/clients/{client_id}/secrets/{secret_id}/rotate", this::rotateSecret);
        add(routes, "POST", "/clients/{client_id}/revoke-tokens", (actor, r) -> {
            m().clients().revokeTokens(actor, r.parameter(0));
            return noContent();
        });
        add(routes, "GET", "/clients/{client_id}/families", (actor, r) -> json(200, Shapes.page(
                m().clients().families(actor, r.parameter(0), r.query("cursor"), limit(r)), Shapes::family)));
        add(routes, "DELETE", "/clients/{client_id}/families/{family_id}", (actor, r) -> {
            m().clients().revokeFamily(actor, r.parameter(0), r.parameter(1));
            return noContent();
        });
        add(routes, "GET", "/clients/{client_id}/usage", (actor, r) -> {
            String clientId = m().clients().show(actor, r.parameter(0)).clientId();
            return json(200, Shapes.usage(m().usage().hourly(actor, clientId), m().usage().daily(actor, clientId),
                    m().usage().errors(clientId, 20)));
        });
        add(routes, "GET", "/usage", (actor, r) -> {
            Map<String, Object> body = new LinkedHashMap<>(Shapes.usage(m().usage().hourly(actor, null),
                    m().usage().daily(actor, null), null));
            body.put("busiest", m().usage().busiest(actor, 10).stream().map(busy -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("client_id", busy.clientId());
                row.put("client_name", busy.name());
                row.put("issued", busy.issued());
                return row;
            }).toList());
            return json(200, body);
        });
        add(routes, "GET", "/apis", (actor, r) -> json(200, Map.of("items",
                m().catalogue().snapshot().apis().stream().map(Shapes::api).toList())));
        add(routes, "POST", "/apis", this::createApi);
        add(routes, "GET", "/apis/{api_id}", (actor, r) -> json(200, Shapes.api(m().catalogue().api(r.parameter(0)))));
        add(routes, "PATCH", "/apis/{api_id}", this::updateApi);
        add(routes, "DELETE", "/apis/{api_id}", (actor, r) -> {
            m().catalogue().delete(actor, r.parameter(0));
            return noContent();
        });
        add(routes, "GET", "/grants", (actor, r) -> {
            requireAdmin(actor);
            List<Map<String, Object>> items = new ArrayList<>();
            m().catalogue().snapshot().grants().forEach((account, scopes) -> scopes.stream().sorted()
                    .forEach(scope -> items.add(Map.of("scope", scope, "account_id", account))));
            return json(200, Map.of("items", items));
        });
        add(routes, "POST", "/grants", (actor, r) -> {
            Map<String, Object> body = body(r);
            m().catalogue().grant(actor, text(body, "scope", true), text(body, "account_id", true));
            return noContent();
        });
        add(routes, "DELETE", "/grants", (actor, r) -> {
            m().catalogue().revokeGrant(actor, required(r.query("scope"), "scope"),
                    required(r.query("account_id"), "account_id"));
            return noContent();
        });
        add(routes, "GET", "/audit-events", (actor, r) -> json(200, Shapes.page(auditPage(actor, r), Shapes::auditEvent)));
        add(routes, "GET", "/audit-events/export", this::exportAudit);
        add(routes, "GET", "/accounts", (actor, r) -> json(200, Map.of("items",
                m().accounts().list(actor).stream().map(Shapes::account).toList())));
        add(routes, "POST", "/accounts", this::invite);
        add(routes, "GET", "/accounts/{account_id}", (actor, r) -> {
            requireAdmin(actor);
            return json(200, Shapes.account(m().accounts().find(r.parameter(0))));
        });
        add(routes, "PATCH", "/accounts/{account_id}", this::updateAccount);
        add(routes, "POST", "/accounts/{account_id}/password-reset", (actor, r) -> {
            AccountManagement.Invitation reset = m().accounts().resetPassword(actor, r.parameter(0));
            return json(200, invitation(reset));
        });
        add(routes, "GET", "/keys", (actor, r) -> {
            Instant now = m().clock().instant();
            return json(200, Map.of("items", m().keys().ring().states(now, m().keys().maxTokenTtl()).stream()
                    .map(key -> Shapes.key(key, now)).toList()));
        });
        return routes;
    }

    private Management m() {
        return management.get();
    }

    private void add(List<Route> routes, String method, String path, Handler handler) {
        routes.add(new Route(method, BASE + path, request -> guarded(request, handler)));
    }

    private Reply guarded(Request request, Handler handler) {
        try {
            Gate.Verdict verdict = new Gate(m()).api(request);
            if (verdict instanceof Gate.Verdict.Refused refused) {
                return Problems.of(refused.status(), refused.detail(), refused.challenge() == null ? Map.of()
                        : Map.of("WWW-Authenticate", refused.challenge()));
            }
            return handler.handle(((Gate.Verdict.Allowed) verdict).actor(), request);
        } catch (RuntimeException e) {
            return Problems.of(e);
        }
    }

    private Reply listClients(Actor actor, Request request) {
        Management m = m();
        var catalogue = m.catalogue().snapshot();
        Instant now = m.clock().instant();
        Page<RegisteredClient> page = m.clients().list(actor, request.query("search"), request.query("scope"),
                request.query("cursor"), limit(request));
        return json(200, Shapes.page(page, client -> Shapes.client(client, catalogue, now)));
    }

    private Map<String, Object> client(Actor actor, String clientId) {
        return Shapes.client(m().clients().show(actor, clientId), m().catalogue().snapshot(), m().clock().instant());
    }

    /** RFC 7591 client metadata, plus {@code owner}; answered like a registration (RFC 7591 §3.2.1). */
    private Reply createClient(Actor actor, Request request) {
        Map<String, Object> body = new LinkedHashMap<>(body(request));
        Object owner = body.remove("owner");
        if (owner != null && !(owner instanceof String)) {
            throw ManagementException.invalid("owner must be an account id");
        }
        String ownerId = owner == null ? actor.accountId() : requireAccount((String) owner);
        ClientManagement.Created created = m().clients().create(actor, body, ownerId);
        Map<String, Object> json = new LinkedHashMap<>(ClientResponses.body(created.client(), created.secret(),
                created.registrationAccessToken(), m().issuer() + "/oauth2/register"));
        json.put("owner", created.client().ownerId());
        json.put("secret_id", created.client().secrets().get(0).secretId());
        return json(201, json);
    }

    /** The members given replace the client's; {@code disabled} and (admins) {@code owner} too. One audit entry each. */
    private Reply updateClient(Actor actor, Request request) {
        String clientId = request.parameter(0);
        Map<String, Object> body = new LinkedHashMap<>(body(request));
        Object disabled = body.remove("disabled");
        Object owner = body.remove("owner");
        body.remove("client_id");
        ClientManagement clients = m().clients();
        if (!body.isEmpty()) {
            clients.update(actor, clientId, body);
        }
        if (disabled != null) {
            if (!(disabled instanceof Boolean flag)) {
                throw ManagementException.invalid("disabled must be true or false");
            }
            clients.setDisabled(actor, clientId, flag);
        }
        if (owner != null) {
            clients.setOwner(actor, clientId, requireAccount(owner instanceof String id ? id : ""));
        }
        return json(200, client(actor, clientId));
    }

    /** {@code {"name": "...", "expires_at": <epoch seconds, optional>}}: 201 with the secret, shown once. */
    private Reply addSecret(Actor actor, Request request) {
        Map<String, Object> body = body(request);
        ClientManagement.NewSecret secret = m().clients().addSecret(actor, request.parameter(0),
                text(body, "name", false), instant(body, "expires_at", false));
        return json(201, newSecret(secret));
    }

    /** {@code {"overlap_seconds": 0 | 3600 | 86400 | 604800, "name": "..."}}: the old secret expires after the overlap. */
    private Reply rotateSecret(Actor actor, Request request) {
        Map<String, Object> body = body(request);
        Object overlap = body.get("overlap_seconds");
        if (!(overlap instanceof Number seconds)) {
            throw ManagementException.invalid("overlap_seconds is required: 0, 3600, 86400 or 604800");
        }
        ClientManagement.NewSecret secret = m().clients().rotateSecret(actor, request.parameter(0), request.parameter(1),
                Duration.ofSeconds(seconds.longValue()), text(body, "name", false));
        return json(201, newSecret(secret));
    }

    private Map<String, Object> newSecret(ClientManagement.NewSecret secret) {
        Map<String, Object> json = new LinkedHashMap<>(Shapes.secret(secret.stored(), m().clock().instant()));
        json.put("client_secret", secret.value().value());
        return json;
    }

    /** {@code {"expires_at": <epoch seconds>}}: a time already past expires the secret at once. */
    private Reply expireSecret(Actor actor, Request request) {
        Instant expiresAt = instant(body(request), "expires_at", true);
        RegisteredClient client = m().clients().expireSecret(actor, request.parameter(0), request.parameter(1), expiresAt);
        Instant now = m().clock().instant();
        return json(200, client.secrets().stream().filter(s -> s.secretId().equals(request.parameter(1)))
                .findFirst().map(s -> Shapes.secret(s, now)).orElseThrow());
    }

    private Reply createApi(Actor actor, Request request) {
        Map<String, Object> body = body(request);
        Api api = m().catalogue().create(actor, text(body, "name", true), text(body, "identifier", true),
                text(body, "description", false), scopes(body));
        return json(201, Shapes.api(api));
    }

    private Reply updateApi(Actor actor, Request request) {
        Map<String, Object> body = body(request);
        Api current = m().catalogue().api(request.parameter(0));
        Api api = m().catalogue().update(actor, current.apiId(),
                body.containsKey("name") ? text(body, "name", true) : current.name(),
                body.containsKey("description") ? text(body, "description", false) : current.description(),
                body.containsKey("scopes") ? scopes(body) : current.scopes().stream()
                        .map(s -> new CatalogueManagement.ScopeSpec(s.value(), s.description(), s.restricted())).toList());
        return json(200, Shapes.api(api));
    }

    private static List<CatalogueManagement.ScopeSpec> scopes(Map<String, Object> body) {
        Object scopes = body.get("scopes");
        if (scopes == null) {
            return List.of();
        }
        if (!(scopes instanceof List<?> list)) {
            throw ManagementException.invalid("scopes must be a list of {value, description, restricted}");
        }
        List<CatalogueManagement.ScopeSpec> specs = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> scope) || !(scope.get("value") instanceof String value)) {
                throw ManagementException.invalid("each scope needs a value");
            }
            Object description = scope.get("description");
            Object restricted = scope.get("restricted");
            if (description != null && !(description instanceof String)
                    || restricted != null && !(restricted instanceof Boolean)) {
                throw ManagementException.invalid("a scope's description is text and restricted is true or false");
            }
            specs.add(new CatalogueManagement.ScopeSpec(value, (String) description, Boolean.TRUE.equals(restricted)));
        }
        return specs;
    }

    private Page<AuditEvent> auditPage(Actor actor, Request request) {
        return m().audit().list(actor, new AuditQuery(blank(request.query("actor")), blank(request.query("action")),
                blank(request.query("target")), null, null, limit(request)), request.query("cursor"));
    }

    /** The entries the filters select, newest first, as JSON lines (one event per line), all pages of them. */
    private Reply exportAudit(Actor actor, Request request) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String cursor = null;
        AuditQuery query = new AuditQuery(blank(request.query("actor")), blank(request.query("action")),
                blank(request.query("target")), null, null, AuditLog.MAX_PAGE);
        do {
            Page<AuditEvent> page = m().audit().list(actor, query, cursor);
            for (AuditEvent event : page.items()) {
                out.writeBytes(Json.bytes(Shapes.auditEvent(event)));
                out.write('\n');
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        Map<String, String> headers = new LinkedHashMap<>(Reply.NO_STORE);
        headers.put("Content-Type", "application/jsonl; charset=utf-8");
        headers.put("Content-Disposition", "attachment; filename=\"latchkey-audit.jsonl\"");
        return new Reply(200, headers, out.toByteArray());
    }

    /** {@code {"username": "...", "role": "developer" | "admin"}}: 201 with the one-time link, shown once. */
    private Reply invite(Actor actor, Request request) {
        Map<String, Object> body = body(request);
        String roleName = text(body, "role", false);
        Role role = roleName == null ? Role.DEVELOPER : Role.fromWire(roleName)
                .orElseThrow(() -> ManagementException.invalid("role must be admin or developer"));
        return json(201, invitation(m().accounts().invite(actor, text(body, "username", true), role)));
    }

    private Map<String, Object> invitation(AccountManagement.Invitation invitation) {
        Map<String, Object> json = new LinkedHashMap<>(Shapes.account(invitation.account()));
        json.put("invitation_url", m().issuer() + Pages.INVITATION + invitation.token());
        return json;
    }

    /** {@code {"role": "...", "disabled": true | false}}: each member given is one change and one audit entry. */
    private Reply updateAccount(Actor actor, Request request) {
        requireAdmin(actor);
        Map<String, Object> body = body(request);
        String accountId = request.parameter(0);
        Account account = m().accounts().find(accountId);
        if (body.containsKey("role")) {
            Role role = Role.fromWire(text(body, "role", true))
                    .orElseThrow(() -> ManagementException.invalid("role must be admin or developer"));
            account = m().accounts().changeRole(actor, accountId, role);
        }
        if (body.containsKey("disabled")) {
            if (!(body.get("disabled") instanceof Boolean disabled)) {
                throw ManagementException.invalid("disabled must be true or false");
            }
            account = m().accounts().setDisabled(actor, accountId, disabled);
        }
        return json(200, Shapes.account(account));
    }

    private String requireAccount(String accountId) {
        m().accounts().find(accountId);
        return accountId;
    }

    private static void requireAdmin(Actor actor) {
        if (!actor.admin()) {
            throw ManagementException.forbidden("only an admin may do this");
        }
    }

    private Map<String, Object> body(Request request) {
        return RegistrationRequests.json(bodies, request.header("Content-Type"), request.body());
    }

    private static int limit(Request request) {
        String text = request.query("limit");
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ManagementException.invalid("limit must be a whole number from 1 to " + MAX_LIMIT);
    }

    private static String text(Map<String, Object> body, String name, boolean required) {
        Object value = body.get(name);
        if (value == null && !required) {
            return null;
        }
        if (!(value instanceof String text) || required && text.isBlank()) {
            throw ManagementException.invalid(name + (required ? " is required" : " must be text"));
        }
        return text;
    }

    private static Instant instant(Map<String, Object> body, String name, boolean required) {
        Object value = body.get(name);
        if (value == null && !required) {
            return null;
        }
        if (!(value instanceof Number seconds) || seconds.doubleValue() != seconds.longValue()) {
            throw ManagementException.invalid(name + " must be a time in whole seconds since the epoch");
        }
        return Instant.ofEpochSecond(seconds.longValue());
    }

    private static String required(String value, String name) {
        if (value == null || value.isBlank()) {
            throw ManagementException.invalid(name + " is required");
        }
        return value;
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static Reply json(int status, Object body) {
        return Reply.noStore(status, body);
    }

    private static Reply noContent() {
        return new Reply(204, Reply.NO_STORE, new byte[0]);
    }

    private static Reply openApi() {
        try (InputStream in = AdminApi.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the build");
            }
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "application/json");
            headers.put("Cache-Control", "public, max-age=3600");
            return new Reply(200, headers, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
