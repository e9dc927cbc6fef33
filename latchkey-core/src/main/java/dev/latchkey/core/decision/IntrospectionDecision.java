package dev.latchkey.core.decision;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.grant.GrantType;
import dev.latchkey.core.store.record.OpaqueAccessTokenRecord;
import dev.latchkey.core.store.record.StoredRefreshToken;
import dev.latchkey.core.secret.Confirmation;
import dev.latchkey.core.token.Introspection;
import dev.latchkey.core.token.RevocationList;
import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Token introspection, RFC 7662, as a decision over values: the caller, what was read for the
 * token (its verified JWT claims, or its stored record) and its client (empty if that client is
 * gone), and the time in, an {@link Introspection} out.
 *
 * <p>Who may learn what (RFC 7662 §4: the server should check that the protected resource may know
 * about the token): a client introspects its own tokens, and access tokens whose audience includes
 * one of its {@code introspection_audiences}; a refresh token only its own client. Any other token
 * is answered {@code {"active":false}}, exactly as an unknown one, so nothing leaks. Thread-safe.
 */
public final class IntrospectionDecision {

    private final RevocationList revocations;

    public IntrospectionDecision(RevocationList revocations) {
        this.revocations = revocations;
    }

    /** The client a verified JWT names, to be looked up before {@link #ofJwt}. */
    public static Optional<String> clientOf(JWTClaimsSet claims) {
        try {
            return Optional.ofNullable(claims.getStringClaim("client_id"));
        } catch (ParseException e) {
            return Optional.empty();
        }
    }

    /** A JWT whose signature and issuer were verified; expiry and revocation are judged here. */
    public Introspection ofJwt(RegisteredClient caller, JWTClaimsSet claims, Optional<RegisteredClient> owner,
            Instant now) {
        try {
            boolean active = claims.getExpirationTime() != null && claims.getExpirationTime().toInstant().isAfter(now)
                    && owner.isPresent() && !owner.get().disabled()
                    && owner.get().clientId().equals(claims.getStringClaim("client_id"))
                    && !revocations.isRevoked(claims.getJWTID(), owner.get().clientId(),
                            claims.getIssueTime() == null ? null : claims.getIssueTime().toInstant());
            if (!active) {
                return Introspection.INACTIVE;
            }
            return visibleTo(caller, Introspection.active().tokenType(Introspection.ACCESS_TOKEN)
                    .scope(claims.getStringClaim("scope")).clientId(owner.get().clientId()).subject(claims.getSubject())
                    .expiresAt(claims.getExpirationTime().toInstant()).issuedAt(claims.getIssueTime().toInstant())
                    .audience(claims.getAudience()).issuer(claims.getIssuer()).jti(claims.getJWTID())
                    .confirmation(Confirmation.fromClaim(claims.getClaim("cnf")))
                    .act(claims.getJSONObjectClaim("act")).build());
        } catch (ParseException | NullPointerException e) {
            return Introspection.INACTIVE;
        }
    }

    /** An opaque access token as stored. */
    public Introspection ofAccessToken(RegisteredClient caller, OpaqueAccessTokenRecord token,
            Optional<RegisteredClient> owner, Instant now) {
        if (token.revoked() || !token.expiresAt().isAfter(now) || owner.isEmpty() || owner.get().disabled()
                || token.familyId() != null && revocations.isFamilyRevoked(token.familyId())
                || revocations.isCutOff(token.clientId(), token.issuedAt())) {
            return Introspection.INACTIVE;
        }
        return visibleTo(caller, Introspection.active().tokenType(Introspection.ACCESS_TOKEN)
                .scope(token.scope().toString()).clientId(token.clientId()).subject(token.subject())
                .expiresAt(token.expiresAt()).issuedAt(token.issuedAt()).audience(token.audience()).jti(token.jti())
                .confirmation(token.confirmation()).act(token.act()).build());
    }

    /**
     * A refresh token as stored: active only while it could be used, its family not revoked, and its
     * client still registered for the refresh_token grant.
     */
    public Introspection ofRefreshToken(RegisteredClient caller, StoredRefreshToken stored,
            Optional<RegisteredClient> owner, Instant now) {
        if (!stored.isUsable(now) || owner.isEmpty() || owner.get().disabled()
                || !owner.get().metadata().allows(GrantType.REFRESH_TOKEN)) {
            return Introspection.INACTIVE;
        }
        return visibleTo(caller, Introspection.active().tokenType(Introspection.REFRESH_TOKEN)
                .scope(stored.token().scope().toString()).clientId(stored.token().clientId())
                .subject(stored.token().subject() != null ? stored.token().subject() : stored.token().clientId())
                .expiresAt(stored.token().expiresAt())
                .issuedAt(stored.token().issuedAt()).audience(List.of()).build());
    }

    static Introspection visibleTo(RegisteredClient caller, Introspection answer) {
        if (!answer.isActive() || caller.clientId().equals(answer.clientId())) {
            return answer;
        }
        boolean forItsAudience = !Introspection.REFRESH_TOKEN.equals(answer.tokenType())
                && answer.audience().stream().anyMatch(caller.metadata().introspectionAudiences()::contains);
        return forItsAudience ? answer : Introspection.INACTIVE;
    }
}
