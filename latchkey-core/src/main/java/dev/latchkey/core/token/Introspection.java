package dev.latchkey.core.token;

import dev.latchkey.core.secret.Confirmation;
import java.time.Instant;
import java.util.List;

/**
 * An RFC 7662 §2.2 introspection answer. Inactive answers carry nothing else, so they reveal
 * nothing about why a token is inactive. Active ones are built with {@link #active()}:
 * <pre>Introspection.active().tokenType(ACCESS_TOKEN).clientId("c1").scope("read").expiresAt(exp)...build()</pre>
 *
 * @param tokenType {@link #ACCESS_TOKEN} for access tokens, {@link #REFRESH_TOKEN} for refresh tokens
 * @param scope     null when the token has no scope
 * @param issuer    the JWT {@code iss}, null for opaque tokens
 * @param username  the user's username when the token acts for a user (RFC 7662 §2.2), else null
 * @param confirmation the key the token is bound to ({@code cnf}: RFC 9449 §6.2, RFC 8705 §3.2), or null
 * @param act       who acts for the subject (RFC 8693 §4.1: in JWTs and introspection answers alike), or null
 */
public record Introspection(boolean isActive, String scope, String clientId, String subject, Instant expiresAt,
        Instant issuedAt, String tokenType, List<String> audience, String issuer, String jti, String username,
        Confirmation confirmation, java.util.Map<String, Object> act) {

    public static final String ACCESS_TOKEN = "Bearer";
    public static final String REFRESH_TOKEN = "refresh_token";

    public static final Introspection INACTIVE =
            new Introspection(false, null, null, null, null, null, null, List.of(), null, null, null, null, null);

    public Introspection {
        audience = List.copyOf(audience);
    }

    /** The same answer naming the user the token acts for. */
    public Introspection withUsername(String name) {
        return new Introspection(isActive, scope, clientId, subject, expiresAt, issuedAt, tokenType, audience, issuer,
                jti, name, confirmation, act);
    }

    /** True if the token acts for a user (its subject is not its client). */
    public boolean actsForUser() {
        return isActive && subject != null && !subject.equals(clientId);
    }

    /** A builder of an active answer. */
    public static Builder active() {
        return new Builder();
    }

    /** Builds an active answer; members left unset are absent. Not thread-safe. */
    public static final class Builder {
        private String scope;
        private String clientId;
        private String subject;
        private Instant expiresAt;
        private Instant issuedAt;
        private String tokenType;
        private List<String> audience = List.of();
        private String issuer;
        private String jti;
        private Confirmation confirmation;
        private java.util.Map<String, Object> act;

        private Builder() {
        }

        /** The scope, or absent when empty. */
        public Builder scope(String value) {
            scope = value == null || value.isEmpty() ? null : value;
            return this;
        }

        public Builder clientId(String value) {
            clientId = value;
            return this;
        }

        public Builder subject(String value) {
            subject = value;
            return this;
        }

        public Builder expiresAt(Instant value) {
            expiresAt = value;
            return this;
        }

        public Builder issuedAt(Instant value) {
            issuedAt = value;
            return this;
        }

        public Builder tokenType(String value) {
            tokenType = value;
            return this;
        }

        public Builder audience(List<String> value) {
            audience = value;
            return this;
        }

        public Builder issuer(String value) {
            issuer = value;
            return this;
        }

        public Builder jti(String value) {
            jti = value;
            return this;
        }

        /** The key an access token is bound to (null: none); a DPoP key makes its type {@code DPoP}. */
        public Builder confirmation(Confirmation value) {
            confirmation = value;
            if (value != null && ACCESS_TOKEN.equals(tokenType)) {
                tokenType = Confirmation.tokenType(value);
            }
            return this;
        }

        /** The token's {@code act} claim (null: none). */
        public Builder act(java.util.Map<String, Object> value) {
            act = value;
            return this;
        }

        public Introspection build() {
            return new Introspection(true, scope, clientId, subject, expiresAt, issuedAt, tokenType, audience, issuer,
                    jti, null, confirmation, act);
        }
    }
}
