package dev.latchkey.server.pipeline;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.decision.TokenExchangeDecision.Presented;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.registry.ClientDirectory;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.TokenStore;
import dev.latchkey.core.store.record.OpaqueAccessTokenRecord;
import dev.latchkey.core.token.AccessTokenMinter;
import dev.latchkey.core.token.JwtVerifier;
import dev.latchkey.core.token.RevocationList;
import java.text.ParseException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The access tokens a token exchange presents (RFC 8693 {@code subject_token}, {@code actor_token}),
 * read as introspection reads them: a JWT verified, unexpired and not revoked, or an opaque token's
 * stored record live; its client still registered and enabled. Reads the store: call it on the store
 * workers. Thread-safe.
 */
final class PresentedTokens {

    private final JwtVerifier jwts;
    private final TokenStore tokens;
    private final RevocationList revocations;
    private final ClientDirectory clients;

    PresentedTokens(JwtVerifier jwts, TokenStore tokens, RevocationList revocations, ClientDirectory clients) {
        this.jwts = jwts;
        this.tokens = tokens;
        this.revocations = revocations;
        this.clients = clients;
    }

    /** The token as presented, if it is an active access token of this server; null in, empty out. */
    Optional<Presented> read(String token, Instant now) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        Optional<Presented> found = JwtVerifier.looksLikeJwt(token) ? jwt(token, now) : opaque(token, now);
        return found.filter(presented -> clients.find(presented.clientId()).filter(client -> !client.disabled())
                .isPresent());
    }

    private Optional<Presented> jwt(String token, Instant now) {
        Optional<JWTClaimsSet> verified = jwts.verify(token, now);
        if (verified.isEmpty()) {
            return Optional.empty();
        }
        JWTClaimsSet claims = verified.get();
        try {
            String clientId = claims.getStringClaim("client_id");
            if (clientId == null || claims.getExpirationTime() == null || !claims.getExpirationTime().toInstant()
                    .isAfter(now) || revocations.isRevoked(claims.getJWTID(), clientId,
                    claims.getIssueTime() == null ? null : claims.getIssueTime().toInstant())) {
                return Optional.empty();
            }
            String scope = claims.getStringClaim("scope");
            Map<String, Object> act = claims.getJSONObjectClaim("act");
            return Optional.of(new Presented(claims.getSubject(), clientId,
                    Scope.parse(scope == null ? "" : scope, OAuthError.INVALID_REQUEST),
                    claims.getJWTID() == null ? null : AccessTokenMinter.familyOf(claims.getJWTID()), act));
        } catch (ParseException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private Optional<Presented> opaque(String token, Instant now) {
        Optional<OpaqueAccessTokenRecord> stored = tokens.findAccessToken(TokenHash.of(token));
        return stored.filter(record -> !record.revoked() && record.expiresAt().isAfter(now)
                        && (record.familyId() == null || !revocations.isFamilyRevoked(record.familyId()))
                        && !revocations.isCutOff(record.clientId(), record.issuedAt()))
                .map(record -> new Presented(record.subject(), record.clientId(), record.scope(), record.familyId(),
                        null));
    }
}
