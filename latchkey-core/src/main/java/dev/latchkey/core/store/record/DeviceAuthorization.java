package dev.latchkey.core.store.record;

import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.TokenHash;
import java.time.Duration;
import java.time.Instant;

/**
 * A device authorization (RFC 8628 §3.2) as stored: the SHA-256 of its {@code device_code}, the
 * {@code user_code} the person types, the client and scope, its life, the polling interval the
 * client must keep (§3.5: it grows by 5 s at each {@code slow_down}), and what the person decided.
 *
 * @param accountId the user who approved or denied it, or null while pending
 * @param familyId  the family of the tokens its one redemption issued, or null
 */
public record DeviceAuthorization(TokenHash hash, String userCode, String clientId, Scope scope, Instant issuedAt,
        Instant expiresAt, int interval, Instant lastPollAt, Status status, String accountId, Instant authTime,
        String familyId) {

    /** RFC 8628 §3.2: the minimum polling interval, when the response names none. */
    public static final int DEFAULT_INTERVAL = 5;
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

    /** Where the authorization stands. */
    public enum Status {
        PENDING, APPROVED, DENIED, REDEEMED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Status of(String name) {
            return valueOf(name.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** This authorization decided: {@code status}, by {@code account}, signed in at {@code signedInAt}. */
    public DeviceAuthorization decided(Status newStatus, String account, Instant signedInAt) {
        return new DeviceAuthorization(hash, userCode, clientId, scope, issuedAt, expiresAt, interval, lastPollAt,
                newStatus, account, signedInAt, familyId);
    }

    /** This authorization polled at {@code now}, the client to keep {@code newInterval} from then on. */
    public DeviceAuthorization polled(Instant now, int newInterval) {
        return new DeviceAuthorization(hash, userCode, clientId, scope, issuedAt, expiresAt, newInterval, now, status,
                accountId, authTime, familyId);
    }

    /** This authorization redeemed, its tokens in {@code family}. */
    public DeviceAuthorization redeemed(String family) {
        return new DeviceAuthorization(hash, userCode, clientId, scope, issuedAt, expiresAt, interval, lastPollAt,
                Status.REDEEMED, accountId, authTime, family);
    }

    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "DeviceAuthorization[client=" + clientId + ", status=" + status + "]";
    }
}
