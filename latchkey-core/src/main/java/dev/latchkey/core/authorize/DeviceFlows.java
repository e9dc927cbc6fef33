package dev.latchkey.core.authorize;

import dev.latchkey.core.account.Account;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.grant.GrantType;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.AuthorizationStore;
import dev.latchkey.core.store.StoreUnavailableException;
import dev.latchkey.core.store.record.DeviceAuthorization;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The device authorization grant's two ends, RFC 8628: a device starts an authorization
 * (§3.1-§3.2) and a person, signed in on another screen, enters its user code and approves or
 * denies it (§3.3). Thread-safe.
 *
 * <p>User codes are 8 characters of the §6.1 alphabet of 20 consonants (about 34.5 bits), shown
 * {@code XXXX-XXXX}; input is read case-insensitively, without dashes or spaces. Guessing is
 * bounded (§5.1): {@value #MAX_WRONG} wrong codes from one address, or by one signed-in user, lock
 * entry for {@link #LOCK}; with 10-minute codes that leaves a guesser odds of about 1 in 10^9 per
 * pending code.
 */
public final class DeviceFlows {

    /** RFC 8628 §6.1: "BCDFGHJKLMNPQRSTVWXZ", no vowels (no words) and no look-alikes. */
    public static final String ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
    static final int MAX_WRONG = 5;
    static final Duration LOCK = Duration.ofMinutes(15);
    private static final int MAX_TRACKED = 100_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the device is told (RFC 8628 §3.2). */
    public record Started(String deviceCode, String userCode, long expiresIn, int interval) {
        /** The user code as people read it: XXXX-XXXX. */
        public String displayCode() {
            return userCode.substring(0, 4) + "-" + userCode.substring(4);
        }

        @Override
        public String toString() {
            return "Started[expiresIn=" + expiresIn + "]";
        }
    }

    private record Wrong(int count, Instant since) {
    }

    private final AuthorizationStore store;
    private final AuthorizationPolicy policy;
    private final Clock clock;
    private final Map<String, Wrong> wrong = new ConcurrentHashMap<>();

    public DeviceFlows(AuthorizationStore store, AuthorizationPolicy policy, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * RFC 8628 §3.1: an authenticated client starts an authorization for {@code scope} (empty: its
     * registered scope; the OIDC scopes may be asked too).
     */
    public Started start(RegisteredClient client, Optional<Scope> requested) {
        if (!client.metadata().allows(GrantType.DEVICE_CODE)) {
            throw OAuthError.UNAUTHORIZED_CLIENT.toException("the device_code grant is not registered for this client");
        }
        Scope scope = requested.orElse(client.metadata().scope());
        for (String value : scope.values()) {
            if (!client.metadata().scope().values().contains(value)
                    && !AuthorizationRequest.OIDC_SCOPES.contains(value)) {
                throw OAuthError.INVALID_SCOPE.toException("scope exceeds what is registered for this client");
            }
        }
        Instant now = now();
        String deviceCode = Secrets.random256();
        for (int attempt = 0; ; attempt++) {
            String userCode = newUserCode();
            try {
                store.saveDevice(new DeviceAuthorization(TokenHash.of(deviceCode), userCode, client.clientId(), scope,
                        now, now.plus(policy.deviceCodeTtl()), DeviceAuthorization.DEFAULT_INTERVAL, null,
                        DeviceAuthorization.Status.PENDING, null, null, null));
                return new Started(deviceCode, userCode, policy.deviceCodeTtl().toSeconds(),
                        DeviceAuthorization.DEFAULT_INTERVAL);
            } catch (StoreUnavailableException taken) {
                if (attempt >= 3) {
                    throw taken; // four collisions in a row: the store is failing, not the dice
                }
            }
        }
    }

    /** Thrown when code entry is locked for this address or user. */
    public static final class Locked extends RuntimeException {
        public Locked() {
            super("Too many wrong codes", null, false, false);
        }
    }

    /**
     * The pending, unexpired authorization a person's input names; a miss counts against their
     * address and account.
     *
     * @throws Locked when either has entered {@value #MAX_WRONG} wrong codes within {@link #LOCK}
     */
    public Optional<DeviceAuthorization> enter(String input, Account user, String source) {
        Instant now = clock.instant();
        if (locked(source, now) || locked(user.accountId(), now)) {
            throw new Locked();
        }
        String code = normalize(input);
        Optional<DeviceAuthorization> found = code == null ? Optional.empty() : store.findDeviceByUserCode(code)
                .filter(device -> device.status() == DeviceAuthorization.Status.PENDING && !device.isExpired(now));
        if (found.isEmpty()) {
            count(source, now);
            count(user.accountId(), now);
        }
        return found;
    }

    /** The person approves or denies: true if this decided it (it was still pending). */
    public boolean decide(String userCode, Account user, Instant authTime, boolean approve) {
        boolean decided = store.decideDevice(userCode, approve ? DeviceAuthorization.Status.APPROVED
                : DeviceAuthorization.Status.DENIED, user.accountId(), authTime.truncatedTo(ChronoUnit.SECONDS), now());
        if (decided && approve) {
            // Remembered as a consent, as at the authorization endpoint: the account page's Connected apps
            // shows what the person allowed, and revoking the app there forgets it.
            store.findDeviceByUserCode(userCode).ifPresent(device -> {
                java.util.Set<String> scope = new java.util.HashSet<>(device.scope().values());
                store.consent(user.accountId(), device.clientId())
                        .ifPresent(before -> scope.addAll(before.scope().values()));
                store.saveConsent(new dev.latchkey.core.store.record.Consent(user.accountId(), device.clientId(),
                        dev.latchkey.core.scope.Scope.of(scope), now()));
            });
        }
        return decided;
    }

    /** The 8 letters of an input such as {@code "bcdf-ghjk"}, or null if it cannot be a user code. */
    public static String normalize(String input) {
        if (input == null || input.length() > 20) {
            return null;
        }
        String letters = input.replace("-", "").replace(" ", "").toUpperCase(Locale.ROOT);
        if (letters.length() != 8) {
            return null;
        }
        for (char c : letters.toCharArray()) {
            if (ALPHABET.indexOf(c) < 0) {
                return null;
            }
        }
        return letters;
    }

    static String newUserCode() {
        char[] code = new char[8];
        for (int i = 0; i < code.length; i++) {
            code[i] = ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length()));
        }
        return new String(code);
    }

    private boolean locked(String key, Instant now) {
        Wrong entry = key == null ? null : wrong.get(key);
        return entry != null && entry.count() >= MAX_WRONG && now.isBefore(entry.since().plus(LOCK));
    }

    private void count(String key, Instant now) {
        if (key == null) {
            return;
        }
        if (wrong.size() >= MAX_TRACKED) {
            wrong.values().removeIf(entry -> !now.isBefore(entry.since().plus(LOCK)));
        }
        wrong.compute(key, (k, entry) -> entry == null || !now.isBefore(entry.since().plus(LOCK))
                ? new Wrong(1, now) : new Wrong(entry.count() + 1, entry.since()));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }
}
