package dev.latchkey.core.manage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.account.Account;
import dev.latchkey.core.account.Role;
import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.audit.AuditEvent;
import dev.latchkey.core.audit.AuditQuery;
import dev.latchkey.core.client.AuthMethod;
import dev.latchkey.core.client.ClientAuthenticator;
import dev.latchkey.core.client.ClientCredentials;
import dev.latchkey.core.client.ClientLimits;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.error.OAuthException;
import dev.latchkey.core.registry.ClientDirectory;
import dev.latchkey.core.registry.ClientRegistrar;
import dev.latchkey.core.secret.ClientSecret;
import dev.latchkey.core.store.memory.InMemoryStores;
import dev.latchkey.core.store.record.Change;
import dev.latchkey.core.token.RevocationList;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Who may do what to client applications, and what rotation, expiry and revocation of secrets do
 * to authentication: over the in-memory stores, with a clock the test moves.
 */
class ClientManagementTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final InMemoryStores stores = new InMemoryStores();
    private final ClientDirectory directory = new ClientDirectory(stores.clients(), () -> true);
    private final RevocationList revocations = new RevocationList();
    private final ClientManagement clients = new ClientManagement(stores.clients(), stores, stores.catalogue(),
            directory, new ClientRegistrar(stores.clients(), directory, ClientLimits.defaults(), null, clock),
            revocations, ClientLimits.defaults(), clock);
    private final CatalogueManagement catalogue = new CatalogueManagement(stores.catalogue(), stores.accounts(), clock);

    private final Actor admin = Actor.of(account("adm", Role.ADMIN), "10.0.0.1");
    private final Account aliceAccount = account("alice", Role.DEVELOPER);
    private final Actor alice = Actor.of(aliceAccount, "10.0.0.2");
    private final Actor bob = Actor.of(account("bob", Role.DEVELOPER), "10.0.0.3");

    private Account account(String name, Role role) {
        Account account = new Account("acc-" + name, name, role, "$argon2id$none", false, false, null, null,
                clock.instant(), clock.instant());
        stores.accounts().insert(account, null);
        return account;
    }

    private void catalogueWithOrders() {
        catalogue.create(admin, "Orders", "https://orders.example/", "Orders API", List.of(
                new CatalogueManagement.ScopeSpec("orders:read", "Read orders", false),
                new CatalogueManagement.ScopeSpec("orders:enterprise", "Enterprise export", true)));
    }

    private ClientManagement.Created create(Actor actor, String scope) {
        return clients.create(actor, Map.of("client_name", "App", "scope", scope), null);
    }

    private boolean authenticates(String clientId, ClientSecret secret) {
        try {
            ClientAuthenticator.authenticate(new ClientCredentials(clientId, secret, AuthMethod.CLIENT_SECRET_BASIC),
                    stores.clients().find(clientId), clock.instant());
            return true;
        } catch (OAuthException e) {
            return false;
        }
    }

    private List<String> auditActions() {
        return stores.audit().list(AuditQuery.latest(100)).stream().map(AuditEvent::action).toList();
    }

    @Test
    void aDeveloperMayAllowPublicScopesAndRestrictedOnesOnlyOnceGranted() {
        catalogueWithOrders();
        ClientManagement.Created app = create(alice, "orders:read");
        assertThat(app.client().ownerId()).isEqualTo(aliceAccount.accountId());

        assertThatThrownBy(() -> clients.setScopes(alice, app.client().clientId(), List.of("orders:read",
                "orders:enterprise"))).isInstanceOf(ManagementException.class)
                .extracting(e -> ((ManagementException) e).kind()).isEqualTo(ManagementException.Kind.FORBIDDEN);
        assertThatThrownBy(() -> create(alice, "not-in-catalogue")).isInstanceOf(ManagementException.class);

        catalogue.grant(admin, "orders:enterprise", aliceAccount.accountId());
        RegisteredClient widened = clients.setScopes(alice, app.client().clientId(),
                List.of("orders:read", "orders:enterprise"));

        assertThat(widened.metadata().scope().values()).containsExactlyInAnyOrder("orders:read", "orders:enterprise");
        assertThat(widened.metadata().resources()).as("the API's identifier becomes a resource it may ask for")
                .containsExactly(URI.create("https://orders.example/"));
        assertThatThrownBy(() -> clients.setScopes(bob, app.client().clientId(), List.of("orders:read")))
                .as("bob cannot see alice's app").isInstanceOf(ManagementException.class)
                .extracting(e -> ((ManagementException) e).kind()).isEqualTo(ManagementException.Kind.NOT_FOUND);
    }

    @Test
    void anAdminMayGiveAnyScopeAndADevelopersEditKeepsIt() {
        catalogueWithOrders();
        ClientManagement.Created app = clients.create(admin, Map.of("scope", "legacy:write orders:read"),
                aliceAccount.accountId());
        RegisteredClient renamed = clients.update(alice, app.client().clientId(), Map.of("client_name", "Renamed"));
        assertThat(renamed.metadata().scope().values()).contains("legacy:write");
        assertThatThrownBy(() -> clients.update(alice, app.client().clientId(),
                Map.of("introspection_audiences", List.of("https://billing.example/"))))
                .isInstanceOf(ManagementException.class);
        assertThatThrownBy(() -> clients.update(alice, app.client().clientId(),
                Map.of("resources", List.of("https://billing.example/"))))
                .as("a resource that is no API open to her").isInstanceOf(ManagementException.class);
    }

    @Test
    void rotationWithAnOverlapKeepsBothSecretsWorkingUntilTheOldOneExpires() {
        ClientManagement.Created app = create(admin, "read");
        String clientId = app.client().clientId();
        String firstId = app.client().secrets().get(0).secretId();

        ClientManagement.NewSecret rotated = clients.rotateSecret(admin, clientId, firstId,
                Duration.ofHours(1), "second");

        assertThat(authenticates(clientId, app.secret())).isTrue();
        assertThat(authenticates(clientId, rotated.value())).isTrue();
        clock.advance(Duration.ofMinutes(61));
        assertThat(authenticates(clientId, app.secret())).as("the overlap is over").isFalse();
        assertThat(authenticates(clientId, rotated.value())).isTrue();
        assertThat(auditActions()).containsExactly("client.secret.rotate", "client.create");
        assertThat(String.join("", stores.audit().list(AuditQuery.latest(10)).stream()
                .map(e -> e.before() + e.after()).toList()))
                .as("no secret or hash in the audit log")
                .doesNotContain(app.secret().value(), rotated.value().value(), rotated.stored().hash());
        assertThatThrownBy(() -> clients.rotateSecret(admin, clientId, firstId, Duration.ofMinutes(5), null))
                .as("overlaps are the four offered").isInstanceOf(ManagementException.class);
    }

    @Test
    void aClientHoldsAtMostThreeLiveSecretsAndExpiredOnesDoNotCount() {
        ClientManagement.Created app = create(admin, "read");
        String clientId = app.client().clientId();
        clients.addSecret(admin, clientId, "two", null);
        ClientManagement.NewSecret third = clients.addSecret(admin, clientId, "three", null);
        assertThatThrownBy(() -> clients.addSecret(admin, clientId, "four", null))
                .isInstanceOf(ManagementException.class)
                .extracting(e -> ((ManagementException) e).kind()).isEqualTo(ManagementException.Kind.CONFLICT);

        clients.expireSecret(admin, clientId, third.stored().secretId(), clock.instant().minusSeconds(1));
        assertThat(authenticates(clientId, third.value())).as("a time past expires it at once").isFalse();
        ClientManagement.NewSecret fourth = clients.addSecret(admin, clientId, "four", null);
        assertThat(authenticates(clientId, fourth.value())).isTrue();

        clients.revokeSecret(admin, clientId, fourth.stored().secretId());
        assertThat(authenticates(clientId, fourth.value())).isFalse();
        assertThat(authenticates(clientId, app.secret())).isTrue();
    }

    @Test
    void disablingAClientRefusesItsSecretsAndEnablingRestoresThem() {
        ClientManagement.Created app = create(admin, "read");
        clients.setDisabled(admin, app.client().clientId(), true);
        assertThat(authenticates(app.client().clientId(), app.secret())).isFalse();
        clients.setDisabled(admin, app.client().clientId(), false);
        assertThat(authenticates(app.client().clientId(), app.secret())).isTrue();
        assertThat(auditActions()).containsExactly("client.enable", "client.disable", "client.create");
    }

    @Test
    void revokingEverythingCutsOffTheClientsJwtsIssuedUntilNow() {
        ClientManagement.Created app = create(admin, "read");
        String clientId = app.client().clientId();
        Instant before = clock.instant().minusSeconds(5);

        clients.revokeTokens(admin, clientId);

        assertThat(revocations.isRevoked("jti-1", clientId, before)).isTrue();
        assertThat(revocations.isRevoked("jti-2", "another", before)).isFalse();
        clock.advance(Duration.ofSeconds(2));
        assertThat(revocations.isRevoked("jti-3", clientId, clock.instant())).as("issued after").isFalse();
        assertThat(stores.changes().since(0, 100)).extracting(Change::kind).contains(Change.Kind.CLIENT_TOKENS_REVOKED);
        assertThat(auditActions()).containsExactly("client.tokens.revoke", "client.create");
    }

    @Test
    void listsShowADeveloperTheirOwnAppsOnlyAndRefuseAForgedCursor() {
        create(alice, "");
        create(alice, "");
        create(bob, "");
        assertThat(clients.list(alice, null, null, 10).items()).hasSize(2);
        assertThat(clients.list(admin, null, null, 10).items()).hasSize(3);
        assertThat(clients.list(Actor.selfManaging("x", null), null, null, 10).items()).isEmpty();
        assertThatThrownBy(() -> clients.list(admin, null, "not-a-cursor!", 10))
                .isInstanceOf(ManagementException.class);
        assertThat(clients.show(admin, clients.list(bob, null, null, 1).items().get(0).clientId())).isNotNull();
        assertThat(Optional.ofNullable(clients.list(alice, null, null, 1).nextCursor())).isPresent();
    }
}
