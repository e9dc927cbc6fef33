package dev.latchkey.core.decision;

import com.nimbusds.jose.jwk.JWK;
import dev.latchkey.core.client.ClientLimits;
import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.client.StoredSecret;
import dev.latchkey.core.key.KeyRing;
import dev.latchkey.core.key.MasterKey;
import dev.latchkey.core.key.SigningAlgorithm;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.record.RefreshTokenRecord;
import dev.latchkey.core.store.record.StoredRefreshToken;
import dev.latchkey.core.store.record.TokenFamily;
import dev.latchkey.core.token.AccessTokenMinter;
import dev.latchkey.core.token.IssuerPolicy;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the decision tests share: a signing key, a master key, clients and stored tokens as values. */
final class Fixtures {

    static final String ISSUER = "https://as.example";
    static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    static final KeyRing KEYS;
    static final MasterKey MASTER_KEY = MasterKey.generate();
    static final AccessTokenMinter MINTER;

    static {
        JWK key = SigningAlgorithm.EdDSA.generate();
        KEYS = new KeyRing(List.of(KeyRing.key(key, SigningAlgorithm.EdDSA, NOW.minusSeconds(60), NOW.minusSeconds(60))));
        MINTER = new AccessTokenMinter(new IssuerPolicy(ISSUER, ISSUER, ClientLimits.defaults()), () -> KEYS);
    }

    private Fixtures() {
    }

    static RegisteredClient client(String id, Map<String, ?> metadata) {
        return RegisteredClient.registered(id, new StoredSecret("sec-" + id, "default", Secrets.hash("secret-" + id),
                NOW.minusSeconds(3600), null, null), Secrets.hash("registration-" + id),
                ClientMetadata.parse(metadata, ClientLimits.defaults()), NOW.minusSeconds(3600), null);
    }

    static Scope scope(String text) {
        return Scope.parse(text, dev.latchkey.core.error.OAuthError.SERVER_ERROR);
    }

    static StoredRefreshToken activeRefreshToken(String clientId, String scope, List<URI> resources,
            Instant expiresAt) {
        return StoredRefreshToken.of(RefreshTokenRecord.active(TokenHash.of(Secrets.random256()),
                TokenFamily.start("family-1", clientId, NOW.minusSeconds(60), null), scope(scope), resources,
                NOW.minusSeconds(60), expiresAt, NOW.plusSeconds(3540)));
    }
}
