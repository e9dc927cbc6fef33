package dev.latchkey.core.store.record;

import java.time.Instant;

/** A refresh token family still in use, as the dashboard's Tokens tab lists it. */
public record FamilySummary(String familyId, String clientId, Instant createdAt, Instant lastUsedAt,
        Instant expiresAt) {
}
