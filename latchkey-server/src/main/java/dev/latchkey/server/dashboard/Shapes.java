package dev.latchkey.server.dashboard;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.latchkey.core.account.Account;
import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.catalogue.Api;
import dev.latchkey.core.catalogue.ApiScope;
import dev.latchkey.core.catalogue.Catalogue;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.client.StoredSecret;
import dev.latchkey.core.key.KeyRing;
import dev.latchkey.core.store.Page;
import dev.latchkey.core.store.record.FamilySummary;
import dev.latchkey.core.usage.ClientError;
import dev.latchkey.core.usage.UsageCount;
import java.text.ParseException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The admin API's wire shapes: maps of strings, numbers, booleans and lists, with times as epoch
 * seconds (as RFC 7591 writes them) except an audit event's {@code time}, RFC 3339. No secret and
 * no hash of one appears in any of them.
 */
public final class Shapes {

    private Shapes() {
    }

    /** {@code {"items": [...], "next_cursor": "..."}}; no {@code next_cursor} on the last page. */
    public static <T> Map<String, Object> page(Page<T> page, Function<T, Object> shape) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("items", page.items().stream().map(shape).toList());
        if (page.nextCursor() != null) {
            json.put("next_cursor", page.nextCursor());
        }
        return json;
    }

    public static Map<String, Object> client(RegisteredClient client, Catalogue catalogue, Instant now) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("client_id", client.clientId());
        json.putAll(client.metadata().toJson());
        json.put("owner", client.ownerId());
        json.put("status", client.disabled() ? "disabled" : "active");
        json.put("created_at", client.issuedAt().getEpochSecond());
        json.put("last_used_at", seconds(client.lastUsedAt()));
        json.put("secrets", client.secrets().stream().map(secret -> secret(secret, now)).toList());
        json.put("scopes_outside_catalogue", client.metadata().scope().values().stream()
                .filter(scope -> catalogue.scope(scope).isEmpty()).sorted().toList());
        return json;
    }

    public static Map<String, Object> secret(StoredSecret secret, Instant now) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("secret_id", secret.secretId());
        json.put("name", secret.name());
        json.put("created_at", secret.createdAt().getEpochSecond());
        json.put("last_used_at", seconds(secret.lastUsedAt()));
        json.put("expires_at", seconds(secret.expiresAt()));
        json.put("live", secret.isLive(now));
        return json;
    }

    public static Map<String, Object> account(Account account) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("account_id", account.accountId());
        json.put("username", account.username());
        json.put("role", account.role().wireName());
        json.put("status", account.disabled() ? "disabled" : account.passwordHash() == null ? "invited" : "active");
        json.put("created_at", account.createdAt().getEpochSecond());
        json.put("invitation_expires_at", account.passwordHash() == null ? seconds(account.inviteExpiresAt()) : null);
        return json;
    }

    public static Map<String, Object> api(Api api) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("api_id", api.apiId());
        json.put("name", api.name());
        json.put("identifier", api.identifier().toString());
        json.put("description", api.description());
        json.put("created_at", api.createdAt().getEpochSecond());
        json.put("scopes", api.scopes().stream().map(Shapes::scope).toList());
        return json;
    }

    public static Map<String, Object> scope(ApiScope scope) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("value", scope.value());
        json.put("description", scope.description());
        json.put("restricted", scope.restricted());
        return json;
    }

    public static Map<String, Object> auditEvent(AuditEvent event) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", event.seq());
        json.put("time", event.at().toString());
        json.put("actor", event.actor());
        json.put("action", event.action());
        json.put("target", event.targetKind() + ":" + event.targetId());
        json.put("target_kind", event.targetKind());
        json.put("target_id", event.targetId());
        json.put("before", parsed(event.before()));
        json.put("after", parsed(event.after()));
        json.put("source", event.source());
        return json;
    }

    public static Map<String, Object> family(FamilySummary family) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("family_id", family.familyId());
        json.put("created_at", seconds(family.createdAt()));
        json.put("last_used_at", seconds(family.lastUsedAt()));
        json.put("expires_at", seconds(family.expiresAt()));
        return json;
    }

    public static Map<String, Object> key(KeyRing.KeyState key, Instant now) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kid", key.kid());
        json.put("alg", key.algorithm().jws().getName());
        json.put("status", key.status());
        json.put("created_at", key.createdAt().getEpochSecond());
        json.put("activates_at", key.activatesAt().getEpochSecond());
        json.put("age_seconds", Math.max(0, now.getEpochSecond() - key.createdAt().getEpochSecond()));
        json.put("published", key.published());
        return json;
    }

    public static Map<String, Object> usage(List<UsageCount> hourly, List<UsageCount> daily, List<ClientError> errors) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("hourly", hourly.stream().map(Shapes::count).toList());
        json.put("daily", daily.stream().map(Shapes::count).toList());
        if (errors != null) {
            json.put("recent_errors", errors.stream().map(error -> Map.<String, Object>of(
                    "time", error.at().toString(), "error", error.error())).toList());
        }
        return json;
    }

    private static Map<String, Object> count(UsageCount count) {
        return Map.of("start", count.start().getEpochSecond(), "issued", count.issued(), "errors", count.errors());
    }

    private static Object parsed(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSONObjectUtils.parse(json);
        } catch (ParseException e) {
            return json;
        }
    }

    private static Long seconds(Instant instant) {
        return instant == null ? null : instant.getEpochSecond();
    }
}
