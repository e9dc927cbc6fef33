package dev.latchkey.core.store.memory;

import dev.latchkey.core.store.record.AuthorizationCode;
import dev.latchkey.core.store.record.Consent;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.AuthorizationStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Codes and consents in memory, under the lock of their {@link InMemoryStores}. */
final class MemoryAuthorizations implements AuthorizationStore {

    private final Object lock;
    private final Map<TokenHash, AuthorizationCode> codes = new HashMap<>();
    private final Map<String, Consent> consents = new HashMap<>();

    MemoryAuthorizations(Object lock) {
        this.lock = lock;
    }

    @Override
    public void saveCode(AuthorizationCode code) {
        synchronized (lock) {
            codes.put(code.hash(), code);
        }
    }

    @Override
    public Optional<AuthorizationCode> findCode(TokenHash hash) {
        synchronized (lock) {
            return Optional.ofNullable(codes.get(hash));
        }
    }

    @Override
    public boolean redeem(TokenHash hash, Instant now, String familyId) {
        synchronized (lock) {
            AuthorizationCode code = codes.get(hash);
            if (code == null || code.redeemedAt() != null) {
                return false;
            }
            codes.put(hash, new AuthorizationCode(code.hash(), code.clientId(), code.accountId(), code.redirectUri(),
                    code.codeChallenge(), code.scope(), code.resources(), code.nonce(), code.authTime(),
                    code.issuedAt(), code.expiresAt(), now, familyId));
            return true;
        }
    }

    @Override
    public Optional<Consent> consent(String accountId, String clientId) {
        synchronized (lock) {
            return Optional.ofNullable(consents.get(accountId + " " + clientId));
        }
    }

    @Override
    public void saveConsent(Consent consent) {
        synchronized (lock) {
            consents.put(consent.accountId() + " " + consent.clientId(), consent);
        }
    }

    @Override
    public List<Consent> consents(String accountId) {
        synchronized (lock) {
            return consents.values().stream().filter(c -> c.accountId().equals(accountId))
                    .sorted(Comparator.comparing(Consent::grantedAt).reversed()).toList();
        }
    }

    @Override
    public boolean deleteConsent(String accountId, String clientId) {
        synchronized (lock) {
            return consents.remove(accountId + " " + clientId) != null;
        }
    }
}
