package dev.latchkey.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import dev.latchkey.core.usage.UsageDelta;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.account.Account;
import dev.latchkey.core.account.Role;
import dev.latchkey.core.account.Session;
import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.audit.AuditQuery;
import dev.latchkey.core.catalogue.Api;
import dev.latchkey.core.catalogue.ApiScope;
import dev.latchkey.core.client.ClientLimits;
import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.client.StoredSecret;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.ClientStore;
import dev.latchkey.core.store.Cursor;
import dev.latchkey.core.store.Page;
import dev.latchkey.core.store.StoreUnavailableException;
import dev.latchkey.core.store.Stores;
import dev.latchkey.core.store.UsageStore;
import dev.latchkey.core.store.record.Change;
import dev.latchkey.core.store.record.FamilySummary;
import dev.latchkey.core.store.record.OpaqueAccessTokenRecord;
import dev.latchkey.core.store.record.RefreshTokenRecord;
import dev.latchkey.core.store.record.TokenFamily;
import dev.latchkey.core.usage.ClientError;
import dev.latchkey.core.usage.UsageCount;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract of the dashboard's stores (clients with secrets and owners, accounts and sessions,
 * the catalogue, the audit log, usage counts), kept by every implementation: mixed into
 * {@link StoreContractTest}, so it runs on the in-memory stores, SQLite and PostgreSQL.
 */
interface DashboardStoreContract {

    Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    Stores stores();

    private static RegisteredClient client(String id, Instant issuedAt, String owner, String name) {
        Map<String, Object> json = name == null ? Map.of("scope", "read") : Map.of("scope", "read", "client_name", name);
        return RegisteredClient.registered(id, new StoredSecret("sec-" + id, "default", Secrets.hash("s-" + id),
                issuedAt, null, null), Secrets.hash("reg"), ClientMetadata.parse(json, ClientLimits.defaults()), issuedAt,
                owner);
    }

    private static AuditEvent audit(String action, String target, String owner) {
        return new AuditEvent(0, NOW, "account:a1", action, "client", target, owner, null, "{\"x\":1}", "127.0.0.1");
    }

    private int auditSize() {
        return stores().audit().list(AuditQuery.latest(10_000)).size();
    }

    @Test
    default void secretChangesEachAppendOneChangeAndOneAuditEntryInTheirTransaction() {
        ClientStore clients = stores().clients();
        clients.insert(client("c1", NOW, "owner-1", "One"), audit("client.create", "c1", "owner-1"));
        long seq = stores().changes().latestSeq();
        StoredSecret second = new StoredSecret("sec-2", "second", Secrets.hash("two"), NOW, null, null);
        StoredSecret third = new StoredSecret("sec-3", "third", Secrets.hash("three"), NOW, null, null);

        clients.addSecret("c1", second, NOW, audit("client.secret.add", "c1", "owner-1"));
        assertThat(clients.rotateSecret("c1", "sec-c1", NOW.plusSeconds(3600), third, NOW,
                audit("client.secret.rotate", "c1", "owner-1"))).isTrue();
        assertThat(clients.setSecretExpiry("c1", "sec-2", NOW.minusSeconds(1), NOW,
                audit("client.secret.expire", "c1", "owner-1"))).isTrue();
        assertThat(clients.deleteSecret("c1", "sec-3", NOW, audit("client.secret.revoke", "c1", "owner-1"))).isTrue();
        assertThat(clients.deleteSecret("c1", "sec-3", NOW, audit("client.secret.revoke", "c1", "owner-1")))
                .as("absent: nothing written").isFalse();
        assertThat(clients.rotateSecret("c1", "no-such", NOW, third, NOW, audit("x", "c1", null))).isFalse();

        RegisteredClient stored = clients.find("c1").orElseThrow();
        assertThat(stored.secrets()).extracting(StoredSecret::secretId).containsExactlyInAnyOrder("sec-c1", "sec-2");
        assertThat(stored.secrets()).filteredOn(s -> s.secretId().equals("sec-c1"))
                .extracting(StoredSecret::expiresAt).containsExactly(NOW.plusSeconds(3600));
        assertThat(stored.liveSecrets(NOW)).extracting(StoredSecret::secretId).containsExactly("sec-c1");
        assertThat(stores().changes().since(seq, 100)).extracting(Change::kind)
                .containsExactly(Change.Kind.CLIENT_CHANGED, Change.Kind.CLIENT_CHANGED, Change.Kind.CLIENT_CHANGED,
                        Change.Kind.CLIENT_CHANGED);
        assertThat(stores().audit().list(AuditQuery.latest(100))).extracting(AuditEvent::action).containsExactly(
                "client.secret.revoke", "client.secret.expire", "client.secret.rotate", "client.secret.add",
                "client.create");
    }

    @Test
    default void clientsListNewestFirstInKeysetPagesByOwnerAndSearch() {
        ClientStore clients = stores().clients();
        for (int i = 0; i < 7; i++) {
            clients.insert(client("c" + i, NOW.plusSeconds(i / 2), i % 2 == 0 ? "even" : "odd",
                    i == 3 ? "Billing 50%_Off" : "App " + i), null);
        }
        List<String> seen = new ArrayList<>();
        Cursor after = null;
        int pages = 0;
        do {
            Page<RegisteredClient> page = clients.list(new ClientStore.Query(null, null, null, after, 3));
            page.items().forEach(c -> seen.add(c.clientId()));
            after = Cursor.parse(page.nextCursor());
            pages++;
            assertThat(page.items()).allSatisfy(c -> assertThat(c.secrets()).hasSize(1));
        } while (after != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactly("c6", "c5", "c4", "c3", "c2", "c1", "c0");

        assertThat(clients.list(new ClientStore.Query(null, "odd", null, null, 10)).items())
                .extracting(RegisteredClient::clientId).containsExactly("c5", "c3", "c1");
        assertThat(clients.list(new ClientStore.Query("billing 50%", null, null, null, 10)).items())
                .extracting(RegisteredClient::clientId).containsExactly("c3");
        assertThat(clients.list(new ClientStore.Query("50%_", null, null, null, 10)).items())
                .as("LIKE wildcards are literal").extracting(RegisteredClient::clientId).containsExactly("c3");
        assertThat(clients.list(new ClientStore.Query("%", null, null, null, 10)).items()).extracting(RegisteredClient::clientId)
                .containsExactly("c3");
        assertThat(clients.list(new ClientStore.Query("c4", null, null, null, 10)).items())
                .extracting(RegisteredClient::clientId).containsExactly("c4");
        assertThat(clients.list(new ClientStore.Query(null, "nobody", null, null, 10))).isEqualTo(new Page<>(List.of(), null));
        assertThat(clients.list(new ClientStore.Query(null, null, "read", null, 10)).items()).hasSize(7);
        assertThat(clients.list(new ClientStore.Query(null, null, "rea", null, 10)).items())
                .as("a scope is matched whole").isEmpty();
    }

    @Test
    default void revokingEverythingOfAClientReachesItsTokensAndItsJwtsOnEveryNode() {
        stores().clients().insert(client("client-1", NOW, null, null), null);
        RefreshTokenRecord refresh = StoreContractTest.refresh("family-r", NOW.plusSeconds(600));
        stores().tokens().saveRefreshToken(TokenFamily.start("family-r", "client-1", NOW, null), refresh, null);
        OpaqueAccessTokenRecord access = StoreContractTest.access(null, NOW.plusSeconds(600));
        stores().tokens().saveAccessToken(access);
        OpaqueAccessTokenRecord other = new OpaqueAccessTokenRecord(TokenHash.of(Secrets.random256()), "client-2",
                "client-2", Scope.parse("a", OAuthError.SERVER_ERROR), List.of("x"), "j2", null, NOW,
                NOW.plusSeconds(600), false);
        stores().tokens().saveAccessToken(other);
        int audited = auditSize();

        stores().tokens().revokeClientTokens("client-1", NOW, NOW.plusSeconds(900),
                audit("client.tokens.revoke", "client-1", null));

        assertThat(stores().tokens().findRefreshToken(refresh.hash()).orElseThrow().token().state())
                .isEqualTo(RefreshTokenRecord.State.REVOKED);
        assertThat(stores().tokens().findAccessToken(access.hash()).orElseThrow().revoked()).isTrue();
        assertThat(stores().tokens().findAccessToken(other.hash()).orElseThrow().revoked())
                .as("another client's token").isFalse();
        assertThat(stores().changes().activeRevocations(NOW)).extracting(Change::kind, Change::ref)
                .contains(org.assertj.core.groups.Tuple.tuple(Change.Kind.CLIENT_TOKENS_REVOKED,
                        NOW.getEpochSecond() + ":client-1"));
        assertThat(stores().changes().activeRevocations(NOW.plusSeconds(901)))
                .extracting(Change::kind).doesNotContain(Change.Kind.CLIENT_TOKENS_REVOKED);
        assertThat(auditSize()).isEqualTo(audited + 1);
    }

    @Test
    default void familiesListTheUsableOnesNewestFirstWithTheirLastUse() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String family = "fam-" + i;
            ids.add(family);
            RefreshTokenRecord token = RefreshTokenRecord.active(TokenHash.of(Secrets.random256()),
                    TokenFamily.start(family, "client-1", NOW.plusSeconds(i), null), Scope.parse("a", OAuthError.SERVER_ERROR),
                    List.of(), NOW.plusSeconds(i), NOW.plusSeconds(i == 4 ? 1 : 600), NOW.plusSeconds(60));
            stores().tokens().saveRefreshToken(TokenFamily.start(family, "client-1", NOW.plusSeconds(i), null), token,
                    null);
        }
        int audited = auditSize();
        assertThat(stores().tokens().revokeFamily("fam-1", NOW, audit("client.family.revoke", "fam-1", null))).isPresent();
        assertThat(stores().tokens().revokeFamily("fam-1", NOW, audit("client.family.revoke", "fam-1", null)))
                .as("revoked already: nothing written").isEmpty();
        assertThat(auditSize()).isEqualTo(audited + 1);

        Page<FamilySummary> first = stores().tokens().families("client-1", NOW.plusSeconds(10), null, 2);
        assertThat(first.items()).extracting(FamilySummary::familyId).containsExactly("fam-3", "fam-2");
        assertThat(first.items().get(0).lastUsedAt()).isEqualTo(NOW.plusSeconds(3));
        Page<FamilySummary> second = stores().tokens().families("client-1", NOW.plusSeconds(10),
                Cursor.parse(first.nextCursor()), 2);
        assertThat(second.items()).as("fam-4 expired, fam-1 revoked").extracting(FamilySummary::familyId)
                .containsExactly("fam-0");
        assertThat(second.nextCursor()).isNull();
        assertThat(stores().tokens().families("client-2", NOW, null, 10).items()).isEmpty();
    }

    @Test
    default void accountsHaveUniqueUsernamesAndSessionsEndIdleOrAbsolute() {
        Account admin = new Account("a1", "root", Role.ADMIN, "$argon2id$x", false, true, null, null, NOW, NOW);
        stores().accounts().insert(admin, audit("account.create", "a1", null));
        assertThatThrownBy(() -> stores().accounts().insert(
                new Account("a2", "root", Role.DEVELOPER, null, false, false, "h", NOW, NOW, NOW), null))
                .isInstanceOf(StoreUnavailableException.class);
        Account invited = new Account("a3", "dev", Role.DEVELOPER, null, false, false, "invite-hash",
                NOW.plusSeconds(3600), NOW, NOW);
        stores().accounts().insert(invited, null);

        assertThat(stores().accounts().findByUsername("root")).contains(admin);
        assertThat(stores().accounts().findByInvitation("invite-hash")).contains(invited);
        Account accepted = invited.withPassword("$argon2id$y", false, NOW.plusSeconds(5));
        assertThat(stores().accounts().update(accepted, audit("account.accept", "a3", null))).isTrue();
        assertThat(stores().accounts().find("a3")).contains(accepted);
        assertThat(stores().accounts().findByInvitation("invite-hash")).isEmpty();
        assertThat(stores().accounts().all()).extracting(Account::username).containsExactly("dev", "root");
        assertThat(stores().accounts().count()).isEqualTo(2);

        Session live = new Session("s-live", "a1", NOW, NOW, NOW.plus(Session.ABSOLUTE));
        Session idle = new Session("s-idle", "a1", NOW.minus(Session.IDLE).minusSeconds(5),
                NOW.minus(Session.IDLE).minusSeconds(5), NOW.plusSeconds(3600));
        Session other = new Session("s-other", "a3", NOW, NOW, NOW.plus(Session.ABSOLUTE));
        List.of(live, idle, other).forEach(session -> stores().accounts().insertSession(session, null));
        stores().accounts().touchSession("s-live", NOW.plusSeconds(60));
        assertThat(stores().accounts().findSession("s-live").orElseThrow().lastSeenAt()).isEqualTo(NOW.plusSeconds(60));
        assertThat(stores().accounts().purgeSessions(NOW, 100)).isEqualTo(1);
        assertThat(stores().accounts().findSession("s-idle")).isEmpty();
        stores().accounts().deleteSessions("a1");
        assertThat(stores().accounts().findSession("s-live")).isEmpty();
        assertThat(stores().accounts().findSession("s-other")).isPresent();
        int audited = auditSize();
        stores().accounts().deleteSession("s-other", audit("account.sign_out", "a3", null));
        stores().accounts().deleteSession("s-other", audit("account.sign_out", "a3", null));
        assertThat(auditSize()).as("only the session that existed").isEqualTo(audited + 1);
        assertThat(stores().accounts().findSession("s-other")).isEmpty();
    }

    @Test
    default void theCatalogueKeepsScopeValuesUniqueAndGrantsOnlyOfScopesThatExist() {
        Api orders = new Api("api-1", "Orders", URI.create("https://orders.example/"), "Orders API", NOW, List.of(
                new ApiScope("orders:read", "api-1", "Read orders", false),
                new ApiScope("orders:bulk", "api-1", "Bulk export", true)));
        stores().catalogue().insertApi(orders, audit("api.create", "api-1", null));
        assertThatThrownBy(() -> stores().catalogue().insertApi(new Api("api-2", "Other",
                URI.create("https://other.example/"), "", NOW,
                List.of(new ApiScope("orders:read", "api-2", "taken", false))), null))
                .as("a scope value names one scope").isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> stores().catalogue().insertApi(new Api("api-3", "Same identifier",
                URI.create("https://orders.example/"), "", NOW, List.of()), null))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(stores().catalogue().apis()).extracting(Api::apiId).containsExactly("api-1");

        stores().catalogue().grant("orders:bulk", "dev-1", audit("scope.grant", "orders:bulk", null));
        assertThat(stores().catalogue().grants()).containsEntry("dev-1", Set.of("orders:bulk"));
        assertThat(stores().catalogue().scopes()).containsOnlyKeys("orders:bulk", "orders:read");

        assertThat(stores().catalogue().updateApi(orders.withScopes(List.of(
                new ApiScope("orders:read", "api-1", "Read all orders", false))), audit("api.update", "api-1", null)))
                .isTrue();
        assertThat(stores().catalogue().api("api-1").orElseThrow().scopes()).extracting(ApiScope::description)
                .containsExactly("Read all orders");
        assertThat(stores().catalogue().grants().getOrDefault("dev-1", Set.of()))
                .as("the grant of a removed scope goes with it").isEmpty();
        assertThat(stores().catalogue().revoke("orders:bulk", "dev-1", audit("scope.revoke", "x", null))).isFalse();
        assertThat(stores().catalogue().deleteApi("api-1", audit("api.delete", "api-1", null))).isTrue();
        assertThat(stores().catalogue().deleteApi("api-1", audit("api.delete", "api-1", null))).isFalse();
        assertThat(stores().catalogue().apis()).isEmpty();
        assertThat(stores().audit().list(AuditQuery.latest(10))).extracting(AuditEvent::action)
                .containsExactly("api.delete", "api.update", "scope.grant", "api.create");
    }

    @Test
    default void theAuditLogIsReadNewestFirstThroughFilters() {
        for (int i = 0; i < 6; i++) {
            stores().audit().append(new AuditEvent(0, NOW.plusMillis(i), i % 2 == 0 ? "account:a" : "cli",
                    i < 3 ? "client.update" : "client.delete", "client", "c" + (i % 3), i % 3 == 0 ? "owner" : null,
                    "{\"before\":" + i + "}", null, null));
        }
        List<AuditEvent> all = stores().audit().list(AuditQuery.latest(100));
        assertThat(all).hasSize(6);
        assertThat(all).extracting(AuditEvent::seq).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(all.get(0).before()).isEqualTo("{\"before\":5}");
        assertThat(all.get(0).at()).isEqualTo(NOW.plusMillis(5));
        assertThat(stores().audit().list(new AuditQuery("cli", null, null, null, null, 100))).hasSize(3);
        assertThat(stores().audit().list(new AuditQuery(null, "client.delete", "c0", null, null, 100))).hasSize(1);
        assertThat(stores().audit().list(new AuditQuery(null, null, null, "owner", null, 100))).hasSize(2);
        assertThat(stores().audit().list(new AuditQuery(null, null, null, null, all.get(3).seq(), 100)))
                .extracting(AuditEvent::seq).containsExactly(all.get(4).seq(), all.get(5).seq());
    }

    @Test
    default void usageFromManyNodesAddsUpAndRecordsLastUse() {
        stores().clients().insert(client("busy", NOW, "owner-1", null), null);
        stores().clients().insert(client("quiet", NOW, "owner-2", null), null);
        Instant hour = NOW.truncatedTo(ChronoUnit.HOURS);
        UsageStore usage = stores().usage();
        usage.add(List.of(new UsageDelta(hour, "busy", 10, 1), new UsageDelta(hour, "quiet", 2, 0)),
                List.of(new ClientError("busy", NOW, "invalid_scope")), Map.of("busy", NOW), Map.of("sec-busy", NOW));
        usage.add(List.of(new UsageDelta(hour, "busy", 5, 2), new UsageDelta(hour.minusSeconds(3600), "busy",
                1, 0), new UsageDelta(hour, "", 0, 7)), List.of(new ClientError("busy", NOW.plusMillis(1),
                "invalid_client")), Map.of(), Map.of());

        assertThat(usage.hourly("busy", null, hour.minusSeconds(7200), hour.plusSeconds(3600))).containsExactly(
                new UsageCount(hour.minusSeconds(3600), 1, 0), new UsageCount(hour, 15, 3));
        assertThat(usage.hourly(null, null, hour, hour.plusSeconds(3600))).containsExactly(new UsageCount(hour, 17, 10));
        assertThat(usage.busiest(hour.minusSeconds(3600), null, 10)).extracting(Map.Entry::getKey)
                .containsExactly("busy", "quiet");
        assertThat(usage.busiest(hour.minusSeconds(3600), "owner-2", 10)).extracting(Map.Entry::getKey)
                .containsExactly("quiet");
        assertThat(usage.hourly(null, "owner-2", hour, hour.plusSeconds(3600)))
                .containsExactly(new UsageCount(hour, 2, 0));
        assertThat(usage.errors("busy", 10)).extracting(ClientError::error)
                .containsExactly("invalid_client", "invalid_scope");
        RegisteredClient busy = stores().clients().find("busy").orElseThrow();
        assertThat(busy.lastUsedAt()).isEqualTo(NOW);
        assertThat(busy.secrets().get(0).lastUsedAt()).isEqualTo(NOW);
        assertThat(stores().clients().find("quiet").orElseThrow().lastUsedAt()).isNull();

        assertThat(usage.purge(hour, 1000)).isEqualTo(1);
        assertThat(usage.hourly("busy", null, hour.minusSeconds(7200), hour.plusSeconds(3600))).hasSize(1);
    }
}
