package dev.latchkey.core.scope;

import dev.latchkey.core.error.OAuthError;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A set of scope tokens, RFC 6749 §3.3. On the wire a space-delimited, order-free list:
 * {@code "read write"} or, as in seed 004, {@code "/accounts.read /accounts.write"}.
 *
 * <p>Immutable and thread-safe; iteration keeps the order in which tokens were first given.
 */
public record Scope(Set<String> values) {

    public static final Scope EMPTY = new Scope(Set.of());

    public Scope {
        values = Collections.unmodifiableSet(new LinkedHashSet<>(values));
    }

    /**
     * Parses a scope parameter. {@code null} or empty gives {@link #EMPTY} (RFC 6749 §3.2:
     * parameters without a value are treated as omitted).
     *
     * @param onInvalid the error to throw when the value breaks the §3.3 grammar; the token
     *                  endpoint passes {@code invalid_scope}, registration {@code invalid_client_metadata}
     */
    public static Scope parse(String text, OAuthError onInvalid) {
        if (text == null || text.isEmpty()) {
            return EMPTY;
        }
        // RFC 6749 §3.3: scope = scope-token *( SP scope-token ); scope-token = 1*NQCHAR.
        Set<String> tokens = new LinkedHashSet<>();
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == ' ') {
                if (i == start) {
                    throw onInvalid.toException("scope must be scope tokens separated by single spaces");
                }
                tokens.add(text.substring(start, i));
                start = i + 1;
            } else if (!isNqChar(text.charAt(i))) {
                throw onInvalid.toException("scope has a character outside RFC 6749 section 3.3");
            }
        }
        return new Scope(tokens);
    }

    public static Scope of(Collection<String> tokens) {
        return new Scope(new LinkedHashSet<>(tokens));
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public boolean containsAll(Scope other) {
        return values.containsAll(other.values);
    }

    public Scope intersect(Scope other) {
        Set<String> kept = new LinkedHashSet<>(values);
        kept.retainAll(other.values);
        return new Scope(kept);
    }

    /** The wire form: tokens joined by single spaces, or the empty string. */
    @Override
    public String toString() {
        return String.join(" ", values);
    }

    // NQCHAR = %x21 / %x23-5B / %x5D-7E
    private static boolean isNqChar(char c) {
        return c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
    }
}
