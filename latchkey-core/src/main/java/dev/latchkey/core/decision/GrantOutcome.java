package dev.latchkey.core.decision;

import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.token.IssuedTokens;

/**
 * What a grant decided, as a value: the token pipeline carries it out. Exactly one of:
 * <ul>
 *   <li>{@link Issue}: hand out these tokens once {@code write} is durable;</li>
 *   <li>{@link Repeat}: hand out again what was issued before (a retry inside the reuse grace
 *       window, RFC 9700 §4.14.2); nothing is written;</li>
 *   <li>{@link RevokeFamily}: a rotated refresh token came back, so revoke its family, then answer
 *       {@code error};</li>
 *   <li>{@link Refuse}: answer {@code error}; nothing happens.</li>
 * </ul>
 */
public sealed interface GrantOutcome {

    /** @param write what must be stored, under the compare-and-set it names, before the tokens go out */
    record Issue(IssuedTokens tokens, TokenWrite write) implements GrantOutcome {
    }

    record Repeat(IssuedTokens tokens) implements GrantOutcome {
    }

    record RevokeFamily(String familyId, OAuthError error) implements GrantOutcome {
    }

    record Refuse(OAuthError error) implements GrantOutcome {
    }
}
