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

    public void apply(Change change) {
        switch (change.kind()) {
            case JTI_REVOKED -> jtis.merge(change.ref(), change.expiresAt(), RevocationList::later);
            case FAMILY_REVOKED -> families.merge(change.ref(), change.expiresAt(), RevocationList::later);
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

    public boolean isFamilyRevoked(String familyId) {
        return families.containsKey(familyId);
    }

    public void prune(Instant now) {
        jtis.values().removeIf(expiry -> !expiry.isAfter(now));
        families.values().removeIf(expiry -> !expiry.isAfter(now));
    }

    public int size() {
        return jtis.size() + families.size();
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
