package dev.latchkey.core.authorize;

import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.registry.ClientDirectory;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.store.AuthorizationStore;
import dev.latchkey.core.store.TokenStore;
import dev.latchkey.core.store.record.Change;
import dev.latchkey.core.store.record.Consent;
import dev.latchkey.core.token.RevocationList;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The client applications a user has authorized (the account page's "Connected apps"): what each
 * may do, when the user allowed it and when it last got a token; and taking an app's access away,
 * which forgets the consent and revokes every token family the user's authorizations gave it, so
 * its refresh tokens fail at once and its JWTs introspect inactive on every node. Thread-safe.
 */
public final class ConnectedApps {

    /** One app as the account page shows it. */
    public record ConnectedApp(String clientId, String name, Scope scope, Instant grantedAt, Instant lastUsedAt) {
    }

    private final AuthorizationStore authorizations;
    private final TokenStore tokens;
    private final ClientDirectory clients;
    private final RevocationList revocations;
    private final Clock clock;

    public ConnectedApps(AuthorizationStore authorizations, TokenStore tokens, ClientDirectory clients,
            RevocationList revocations, Clock clock) {
        this.authorizations = authorizations;
        this.tokens = tokens;
        this.clients = clients;
        this.revocations = revocations;
        this.clock = clock;
    }

    /** Every app the user consented to or that holds tokens of theirs (a first-party app needs no consent). */
    public List<ConnectedApp> list(String accountId) {
        Map<String, Consent> consents = new LinkedHashMap<>();
        for (Consent consent : authorizations.consents(accountId)) {
            consents.put(consent.clientId(), consent);
        }
        Map<String, TokenStore.UserGrant> grants = tokens.userGrants(accountId);
        Set<String> clientIds = new TreeSet<>(consents.keySet());
        clientIds.addAll(grants.keySet());
        List<ConnectedApp> apps = new ArrayList<>();
        for (String clientId : clientIds) {
            Consent consent = consents.get(clientId);
            TokenStore.UserGrant grant = grants.get(clientId);
            String name = clients.find(clientId).map(RegisteredClient::metadata).map(m -> m.clientName())
                    .orElse(clientId);
            apps.add(new ConnectedApp(clientId, name == null ? clientId : name,
                    consent == null ? Scope.EMPTY : consent.scope(), consent == null ? null : consent.grantedAt(),
                    grant == null ? null : grant.lastUsedAt()));
        }
        return apps;
    }

    /** Takes the app's access away: its consent and every family of the user's tokens it holds. */
    public void revoke(String accountId, String clientId) {
        authorizations.deleteConsent(accountId, clientId);
        TokenStore.UserGrant grant = tokens.userGrants(accountId).get(clientId);
        if (grant == null) {
            return;
        }
        Instant now = clock.instant();
        for (String familyId : grant.familyIds()) {
            tokens.revokeFamily(familyId, now).ifPresent(until ->
                    revocations.apply(new Change(0, Change.Kind.FAMILY_REVOKED, familyId, until)));
        }
    }
}
