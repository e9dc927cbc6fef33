package dev.latchkey.core.store;

import dev.latchkey.core.store.record.AuthorizationCode;
import dev.latchkey.core.store.record.Consent;
import dev.latchkey.core.secret.TokenHash;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Authorization codes and remembered consents. Every method is one transaction. Implementations are
 * thread-safe and must make {@link #redeem} a compare-and-set: of two redemptions of one code,
 * exactly one returns true.
 */
public interface AuthorizationStore {

    void saveCode(AuthorizationCode code);

    Optional<AuthorizationCode> findCode(TokenHash hash);

    /**
     * Marks the code redeemed, recording the family of what it issued: true if this call did (the
     * code was not redeemed before).
     */
    boolean redeem(TokenHash hash, Instant now, String familyId);

    /** What the user allowed the client, if they consented before. */
    Optional<Consent> consent(String accountId, String clientId);

    /** Records (or replaces) what the user allowed the client. */
    void saveConsent(Consent consent);

    /** Every client the user consented to, newest first. */
    List<Consent> consents(String accountId);

    /** Forgets the consent; true if there was one. */
    boolean deleteConsent(String accountId, String clientId);
}
