package dev.latchkey.core.decision;

import dev.latchkey.core.store.record.StoredRefreshToken;
import java.util.Optional;

/**
 * What the refresh grant needs read from the store: the presented token with its family, and,
 * when {@link RefreshTokenDecision#successorToRead} says so, the token that replaced it.
 */
public record RefreshTokenRead(Optional<StoredRefreshToken> token, Optional<StoredRefreshToken> successor) {

    public static RefreshTokenRead of(Optional<StoredRefreshToken> token) {
        return new RefreshTokenRead(token, Optional.empty());
    }
}
