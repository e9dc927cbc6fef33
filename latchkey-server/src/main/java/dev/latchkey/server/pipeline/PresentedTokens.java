package dev.latchkey.server.pipeline;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.latchkey.core.decision.IntrospectionDecision;
import dev.latchkey.core.decision.TokenExchangeDecision.Presented;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.error.OAuthException;
import dev.latchkey.core.grant.FederatedIdentity;
import dev.latchkey.core.grant.TokenExchangeGrant;
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
 * The tokens a token exchange presents (RFC 8693 {@code subject_token}, {@code actor_token}): an
 * access token of this server is active exactly when introspection would answer it active to its own
 * client ({@link IntrospectionDecision}: unexpired, not revoked, its client still registered and
 * enabled); a trusted issuer's JWT when {@link FederatedIdentities} maps it to a client.
 * Reads the store: call it on the store workers. Thread-safe.
 */
final class PresentedTokens {

    private final JwtVerifier jwts;
    private final TokenStore tokens;
    private final IntrospectionDecision introspection;
    private final ClientDirectory clients;
    private final FederatedIdentities federation;

    PresentedTokens(JwtVerifier jwts, TokenStore tokens, IntrospectionDecision introspection, ClientDirectory clients,
            FederatedIdentities federation) {
        this.federation = federation;
        this.jwts = jwts;
        this.tokens = tokens;
        this.introspection = introspection;
        this.clients = clients;
    }

    /**
     * The token as presented, if it is an active access token of this server or, for the JWT and ID
     * token types, a trusted issuer's JWT mapped to a registered, enabled client (which it then stands
     * for, within the matching rule's scope); null in, empty out.
     */
    Optional<Presented> read(String token, String type, Instant now) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        if (TokenExchangeGrant.isExternal(type)) {
            FederatedIdentity identity;
            try {
                identity = federation.identify(token, null, now);
            } catch (OAuthException e) {
                // RFC 8693 §2.2.2: an invalid subject or actor token is invalid_request.
                throw OAuthError.INVALID_REQUEST.toException(e.error().description());
            }
            return clients.find(identity.clientId()).filter(client -> !client.disabled()).map(client ->
                    new Presented(client.clientId(), client.clientId(), identity.within(client.metadata().scope()),
                            null, null));
        }
        if (JwtVerifier.looksLikeJwt(token)) {
            return jwts.verify(token, now).flatMap(claims -> IntrospectionDecision.clientOf(claims)
                    .flatMap(clients::find).flatMap(owner -> presented(introspection.ofJwt(owner, claims,
                            Optional.of(owner), now), act(claims))));
        }
        Optional<OpaqueAccessTokenRecord> stored = tokens.findAccessToken(TokenHash.of(token));
        return stored.flatMap(record -> clients.find(record.clientId()).flatMap(owner -> presented(
                introspection.ofAccessToken(owner, record, Optional.of(owner), now), record.act())));
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
