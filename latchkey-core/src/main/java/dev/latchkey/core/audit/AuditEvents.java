package dev.latchkey.core.audit;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.latchkey.core.account.Account;
import dev.latchkey.core.catalogue.Api;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.client.StoredSecret;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds audit events, with targets as JSON in which secrets never appear: a client's secrets by id,
 * name and expiry only, an account without its password hash or invitation. Thread-safe.
 */
public final class AuditEvents {

    private final Clock clock;

    public AuditEvents(Clock clock) {
        this.clock = clock;
    }

    public AuditEvent event(Actor actor, String action, String targetKind, String targetId, String ownerId,
            Map<String, ?> before, Map<String, ?> after) {
        return new AuditEvent(0, clock.instant(), actor.id(), action, targetKind, targetId, ownerId,
                before == null ? null : JSONObjectUtils.toJSONString(copy(before)),
                after == null ? null : JSONObjectUtils.toJSONString(copy(after)), actor.source());
    }

    public AuditEvent client(Actor actor, String action, RegisteredClient before, RegisteredClient after) {
        RegisteredClient target = after != null ? after : before;
        return event(actor, action, "client", target.clientId(), target.ownerId(),
                before == null ? null : describe(before), after == null ? null : describe(after));
    }

    public static Map<String, Object> describe(RegisteredClient client) {
        Map<String, Object> json = new LinkedHashMap<>(client.metadata().toJson());
        json.put("owner", client.ownerId());
        json.put("disabled", client.disabled());
        json.put("secrets", client.secrets().stream().map(AuditEvents::describe).toList());
        return json;
    }

    public static Map<String, Object> describe(StoredSecret secret) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("secret_id", secret.secretId());
        json.put("name", secret.name());
        json.put("expires_at", secret.expiresAt() == null ? null : secret.expiresAt().getEpochSecond());
        return json;
    }

    public static Map<String, Object> describe(Account account) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("username", account.username());
        json.put("role", account.role().wireName());
        json.put("disabled", account.disabled());
        json.put("invited", account.inviteHash() != null);
        return json;
    }

    public static Map<String, Object> describe(Api api) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", api.name());
        json.put("identifier", api.identifier().toString());
        json.put("description", api.description());
        json.put("scopes", api.scopes().stream().map(scope -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("value", scope.value());
            s.put("description", scope.description());
            s.put("restricted", scope.restricted());
            return s;
        }).toList());
        return json;
    }

    // JSONObjectUtils wants Map<String, Object>; lists pass as they are.
    private static Map<String, Object> copy(Map<String, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((key, value) -> copy.put(key, value instanceof List<?> list ? List.copyOf(list) : value));
        return copy;
    }
}
