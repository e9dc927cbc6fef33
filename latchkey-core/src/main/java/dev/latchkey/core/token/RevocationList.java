package dev.latchkey.core.token;

import dev.latchkey.core.store.record.Change;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JWT access tokens and refresh token families revoked before their tokens expire, kept in
 * memory so that introspecting a JWT needs no database read. Filled at start from the store and
 * kept current by the change feed; entries drop once every token they cover has expired.
 *
 * <p>Thread-safe; applying the same change twice is harmless.
 */
public final class RevocationList {

    private final Map<String, Instant> jtis = new ConcurrentHashMap<>();
    private final Map<String, Instant> families = new ConcurrentHashMap<>();
    /** Client id -> the latest cut-off: its JWTs issued until then are revoked. */
    private final Map<String, Cutoff> clients = new ConcurrentHashMap<>();

    private record Cutoff(Instant issuedUntil, Instant rememberUntil) {
    }

    public void apply(Change change) {
        switch (change.kind()) {
            case JTI_REVOKED -> jtis.merge(change.ref(), change.expiresAt(), RevocationList::later);
            case FAMILY_REVOKED -> families.merge(change.ref(), change.expiresAt(), RevocationList::later);
            case CLIENT_TOKENS_REVOKED -> {
                int colon = change.ref().indexOf(':');
                Instant until = Instant.ofEpochSecond(Long.parseLong(change.ref().substring(0, colon)));
                clients.merge(change.ref().substring(colon + 1), new Cutoff(until, change.expiresAt()),
                        (a, b) -> new Cutoff(later(a.issuedUntil(), b.issuedUntil()),
                                later(a.rememberUntil(), b.rememberUntil())));
            }
            default -> {
            }
        }
    }

    /** True if the token with this jti, or its family, has been revoked. */
    public boolean isRevoked(String jti) {
        if (jti == null) {
            return false;
        }
        if (jtis.containsKey(jti)) {
            return true;
        }
        String family = AccessTokenMinter.familyOf(jti);
        return family != null && families.containsKey(family);
    }

    /**
     * True if the JWT with this jti, client and issue time is revoked: itself, its family, or every
     * token its client had until a time at or after {@code issuedAt}.
     */
    public boolean isRevoked(String jti, String clientId, Instant issuedAt) {
        return isRevoked(jti) || isCutOff(clientId, issuedAt);
    }

    /** True if every token of {@code clientId} issued until a time at or after {@code issuedAt} is revoked. */
    public boolean isCutOff(String clientId, Instant issuedAt) {
        Cutoff cutoff = clientId == null || clients.isEmpty() ? null : clients.get(clientId);
        return cutoff != null && issuedAt != null && !issuedAt.isAfter(cutoff.issuedUntil());
    }

    public boolean isFamilyRevoked(String familyId) {
        return families.containsKey(familyId);
    }

    public void prune(Instant now) {
        jtis.values().removeIf(expiry -> !expiry.isAfter(now));
        families.values().removeIf(expiry -> !expiry.isAfter(now));
        clients.values().removeIf(cutoff -> !cutoff.rememberUntil().isAfter(now));
    }

    public int size() {
        return jtis.size() + families.size() + clients.size();
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
