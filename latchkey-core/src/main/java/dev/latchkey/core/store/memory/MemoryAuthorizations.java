package dev.latchkey.core.store.memory;

import dev.latchkey.core.store.record.AuthorizationCode;
import dev.latchkey.core.store.record.Consent;
import dev.latchkey.core.store.record.DeviceAuthorization;
import dev.latchkey.core.store.record.PushedRequest;
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
    private final Map<TokenHash, PushedRequest> pushed = new HashMap<>();
    private final Map<TokenHash, DeviceAuthorization> devices = new HashMap<>();
    private final java.util.NavigableSet<SpentJti> assertions = new java.util.TreeSet<>(java.util.Comparator
            .comparing(SpentJti::until).thenComparing(spent -> spent.jti().value()));

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

    /** The code's compare-and-set, under the stores' lock ({@link InMemoryStores#redeem}). */
    boolean redeem(TokenHash hash, Instant now, String familyId) {
        synchronized (lock) {
            AuthorizationCode code = codes.get(hash);
            if (code == null || code.redeemedAt() != null) {
                return false;
            }
            codes.put(hash, new AuthorizationCode(code.hash(), code.clientId(), code.accountId(), code.redirectUri(),
                    code.codeChallenge(), code.scope(), code.resources(), code.nonce(), code.authTime(),
                    code.issuedAt(), code.expiresAt(), now, familyId, code.dpopJkt()));
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

    @Override
    public void savePushed(PushedRequest request) {
        synchronized (lock) {
            pushed.put(request.hash(), request);
        }
    }

    @Override
    public Optional<PushedRequest> findPushed(TokenHash hash) {
        synchronized (lock) {
            return Optional.ofNullable(pushed.get(hash));
        }
    }

    @Override
    public boolean usePushed(TokenHash hash, Instant now) {
        synchronized (lock) {
            PushedRequest request = pushed.get(hash);
            if (request == null || request.usedAt() != null) {
                return false;
            }
            pushed.put(hash, new PushedRequest(hash, request.clientId(), request.parameters(), request.expiresAt(), now));
            return true;
        }
    }

    @Override
    public void saveDevice(DeviceAuthorization device) {
        synchronized (lock) {
            if (devices.values().stream().anyMatch(d -> d.userCode().equals(device.userCode()))) {
                throw new dev.latchkey.core.store.StoreUnavailableException("user code taken", null);
            }
            devices.put(device.hash(), device);
        }
    }

    @Override
    public Optional<DeviceAuthorization> findDevice(TokenHash hash) {
        synchronized (lock) {
            return Optional.ofNullable(devices.get(hash));
        }
    }

    @Override
    public Optional<DeviceAuthorization> findDeviceByUserCode(String userCode) {
        synchronized (lock) {
            return devices.values().stream().filter(d -> d.userCode().equals(userCode)).findFirst();
        }
    }

    @Override
    public boolean decideDevice(String userCode, DeviceAuthorization.Status status, String accountId, Instant authTime,
            Instant now) {
        synchronized (lock) {
            Optional<DeviceAuthorization> found = findDeviceByUserCode(userCode);
            if (found.isEmpty() || found.get().status() != DeviceAuthorization.Status.PENDING
                    || found.get().isExpired(now)) {
                return false;
            }
            devices.put(found.get().hash(), found.get().decided(status, accountId, authTime));
            return true;
        }
    }

    @Override
    public void pollDevice(TokenHash hash, Instant now, int interval) {
        synchronized (lock) {
            devices.computeIfPresent(hash, (key, device) -> device.polled(now, interval));
        }
    }

    /** The device code's compare-and-set, under the stores' lock ({@link InMemoryStores#redeem}). */
    boolean redeemDevice(TokenHash hash, String familyId) {
        synchronized (lock) {
            DeviceAuthorization d = devices.get(hash);
            if (d == null || d.status() != DeviceAuthorization.Status.APPROVED) {
                return false;
            }
            devices.put(hash, d.redeemed(familyId));
            return true;
        }
    }

    @Override
    public boolean spendAssertion(TokenHash jti, String clientId, java.time.Instant until) {
        synchronized (lock) {
            return assertions.add(new SpentJti(until, jti));
        }
    }

    @Override
    public int purgeAssertions(java.time.Instant now, int batchSize) {
        synchronized (lock) {
            int purged = 0;
            while (purged < batchSize && !assertions.isEmpty() && assertions.first().until().isBefore(now)) {
                assertions.pollFirst();
                purged++;
            }
            return purged;
        }
    }

    private record SpentJti(java.time.Instant until, TokenHash jti) {
    }
}
