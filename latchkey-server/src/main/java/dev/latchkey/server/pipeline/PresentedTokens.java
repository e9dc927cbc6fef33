package dev.latchkey.server.pipeline;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.latchkey.core.decision.IntrospectionDecision;
import dev.latchkey.core.decision.TokenExchangeDecision.Presented;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.registry.ClientDirectory;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.TokenStore;
import dev.latchkey.core.store.record.OpaqueAccessTokenRecord;
import dev.latchkey.core.token.AccessTokenMinter;
import dev.latchkey.core.token.Introspection;
import dev.latchkey.core.token.JwtVerifier;
import java.text.ParseException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The access tokens a token exchange presents (RFC 8693 {@code subject_token}, {@code actor_token}):
 * active exactly when introspection would answer them active to their own client
 * ({@link IntrospectionDecision}: unexpired, not revoked, its client still registered and enabled).
 * Reads the store: call it on the store workers. Thread-safe.
 */
final class PresentedTokens {

    private final JwtVerifier jwts;
    private final TokenStore tokens;
    private final IntrospectionDecision introspection;
    private final ClientDirectory clients;

    PresentedTokens(JwtVerifier jwts, TokenStore tokens, IntrospectionDecision introspection, ClientDirectory clients) {
        this.jwts = jwts;
        this.tokens = tokens;
        this.introspection = introspection;
        this.clients = clients;
    }

    /** The token as presented, if it is an active access token of this server; null in, empty out. */
    Optional<Presented> read(String token, Instant now) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        if (JwtVerifier.looksLikeJwt(token)) {
            return jwts.verify(token, now).flatMap(claims -> IntrospectionDecision.clientOf(claims)
                    .flatMap(clients::find).flatMap(owner -> presented(introspection.ofJwt(owner, claims,
                            Optional.of(owner), now), act(claims))));
        }
        Optional<OpaqueAccessTokenRecord> stored = tokens.findAccessToken(TokenHash.of(token));
        return stored.flatMap(record -> clients.find(record.clientId()).flatMap(owner -> presented(
                introspection.ofAccessToken(owner, record, Optional.of(owner), now), null)));
    }

    private static Optional<Presented> presented(Introspection answer, Map<String, Object> act) {
        if (!answer.isActive()) {
            return Optional.empty();
        }
        return Optional.of(new Presented(answer.subject(), answer.clientId(),
                Scope.parse(answer.scope() == null ? "" : answer.scope(), OAuthError.INVALID_REQUEST),
                answer.jti() == null ? null : AccessTokenMinter.familyOf(answer.jti()), act));
    }

    private static Map<String, Object> act(JWTClaimsSet claims) {
        try {
            return claims.getJSONObjectClaim("act");
        } catch (ParseException e) {
            return null;
        }
    }
}
