package dev.latchkey.core.store;

import dev.latchkey.core.store.record.AuthorizationCode;
import dev.latchkey.core.store.record.Consent;
import dev.latchkey.core.store.record.DeviceAuthorization;
import dev.latchkey.core.store.record.PushedRequest;
import dev.latchkey.core.secret.TokenHash;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Authorization codes, remembered consents, pushed authorization requests and device authorizations.
 * Every method is one transaction; implementations are thread-safe. A code or a device code is
 * spent with the tokens it issues, by {@link TokenStore#redeem}.
 */
public interface AuthorizationStore {

    void saveCode(AuthorizationCode code);

    Optional<AuthorizationCode> findCode(TokenHash hash);

    /** What the user allowed the client, if they consented before. */
    Optional<Consent> consent(String accountId, String clientId);

    /** Records (or replaces) what the user allowed the client. */
    void saveConsent(Consent consent);

    /** Every client the user consented to, newest first. */
    List<Consent> consents(String accountId);

    /** Forgets the consent; true if there was one. */
    boolean deleteConsent(String accountId, String clientId);

    void savePushed(PushedRequest request);

    Optional<PushedRequest> findPushed(TokenHash hash);

    /** Marks the pushed request used: true if this call did (it was unused). */
    boolean usePushed(TokenHash hash, Instant now);

    /** Adds a device authorization; fails (a {@link StoreUnavailableException}) if its user code is taken. */
    void saveDevice(DeviceAuthorization device);

    Optional<DeviceAuthorization> findDevice(TokenHash hash);

    Optional<DeviceAuthorization> findDeviceByUserCode(String userCode);

    /**
     * The person's decision: from pending to approved or denied, by {@code accountId}, signed in at
     * {@code authTime}; true if this call decided it (it was pending and unexpired at {@code now}).
     */
    boolean decideDevice(String userCode, DeviceAuthorization.Status status, String accountId, Instant authTime,
            Instant now);

    /** Records a poll and the interval the client must keep from now on. */
    void pollDevice(TokenHash hash, Instant now, int interval);

    /**
     * Records a client assertion's or a DPoP proof's {@code jti} (hashed with its client id or key) as
     * spent until {@code until}, for every node: false if that {@code jti} was spent with that same
     * {@code until} before (a replay, RFC 7523 §3, RFC 9449 §11.1). {@code until} must follow from the
     * signed JWT alone (its exp, its iat), never from the time it arrived: a replay then meets its own
     * record, and the records are kept in the order of that time.
     */
    boolean spendAssertion(TokenHash jti, String clientId, Instant until);

    /**
     * {@link #spendAssertion} without waiting: a DPoP proof's or an assertion's {@code jti}, spent
     * with the store's next group commit. Whatever is chained to the future without an executor runs
     * on the thread that completes it (the writer's, after its commit): keep it short.
     */
    default java.util.concurrent.CompletableFuture<Boolean> spendAssertionAsync(TokenHash jti, String clientId,
            Instant until) {
        try {
            return java.util.concurrent.CompletableFuture.completedFuture(spendAssertion(jti, clientId, until));
        } catch (RuntimeException e) {
            return java.util.concurrent.CompletableFuture.failedFuture(e);
        }
    }

    /** Forgets spent assertions whose time is over; returns how many. */
    int purgeAssertions(Instant now, int batchSize);
}
