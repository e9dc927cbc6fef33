package dev.latchkey.core.token;

import dev.latchkey.core.secret.Confirmation;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.client.TokenFormat;
import dev.latchkey.core.key.KeyRing;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.AccessToken;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.record.OpaqueAccessTokenRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Supplier;

/**
 * Makes access tokens in the client's format.
 *
 * <p>JWTs follow RFC 9068: header {@code typ: at+jwt} and {@code kid}; claims {@code iss sub aud
 * exp iat jti client_id scope}. For client credentials the subject is the client itself (RFC 9068
 * §2.2). Opaque tokens are 256 random bits after their issue time ({@link Secrets#timeOrdered256}); only
 * their {@link TokenHash} is stored.
 *
 * <p>The {@code jti} of a token issued with a refresh token is {@code <family>.<random>}: the
 * family can be read off the token, so revoking a family revokes its JWTs without storing them.
 * Thread-safe.
 */
public final class AccessTokenMinter {

    private final IssuerPolicy policy;
    private final Supplier<KeyRing> keys;

    /** @param keys the current signing keys (a {@link dev.latchkey.core.key.KeyManager}'s ring) */
    public AccessTokenMinter(IssuerPolicy policy, Supplier<KeyRing> keys) {
        this.policy = policy;
        this.keys = keys;
    }

    /**
     * @param familyId the refresh token family this token is issued with, or null
     * @param precise  the time, as precise as the clock gives it: token times are its whole seconds,
     *                 an opaque token's value leads with its milliseconds (so the tokens a commit
     *                 writes sit together in the store's index: {@link Secrets#timeOrdered256})
     */
    public MintedAccessToken mint(RegisteredClient client, Scope scope, List<String> audience, String familyId,
            Instant precise) {
        return mint(client, null, scope, audience, familyId, precise);
    }

    /**
     * @param subject the user the token acts for (RFC 9068 §2.2: {@code sub} is the resource owner),
     *                or null for the client's own token ({@code sub} is the client)
     */
    public MintedAccessToken mint(RegisteredClient client, String subject, Scope scope, List<String> audience,
            String familyId, Instant precise) {
        return mint(client, subject, scope, audience, familyId, null, precise);
    }

    /**
     * @param confirmation the key the token is bound to ({@code cnf}, RFC 7800 §3.1), or null for a
     *                     bearer token: a JWT carries it as a claim, an opaque token's record keeps it
     */
    public MintedAccessToken mint(RegisteredClient client, String subject, Scope scope, List<String> audience,
            String familyId, Confirmation confirmation, Instant precise) {
        return mint(client, subject, scope, audience, familyId, confirmation, java.util.Map.of(), precise);
    }

    /**
     * @param extraClaims more JWT claims ({@code act} of an exchanged token, RFC 8693 §4.1); an opaque
     *                    token does not carry them
     */
    public MintedAccessToken mint(RegisteredClient client, String subject, Scope scope, List<String> audience,
            String familyId, Confirmation confirmation, java.util.Map<String, Object> extraClaims, Instant precise) {
        String sub = subject == null ? client.clientId() : subject;
        Instant now = precise.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Duration ttl = client.metadata().accessTokenTtl();
        if (ttl.compareTo(policy.limits().maxAccessTokenTtl()) > 0) {
            ttl = policy.limits().maxAccessTokenTtl(); // the limit may have been lowered since registration
        }
        Instant expiresAt = now.plus(ttl);
        String jti = familyId == null ? Secrets.random128() : familyId + "." + Secrets.random128();
        if (client.metadata().accessTokenFormat() == TokenFormat.OPAQUE) {
            String value = Secrets.timeOrdered256(precise);
            OpaqueAccessTokenRecord record = new OpaqueAccessTokenRecord(TokenHash.of(value), client.clientId(),
                    sub, scope, audience, jti, familyId, now, expiresAt, false, confirmation, act(extraClaims));
            return new MintedAccessToken(new AccessToken(value), TokenFormat.OPAQUE, jti, now, expiresAt, record,
                    confirmation);
        }
        KeyRing.Key key = keys.get().signingKey(now)
                .orElseThrow(() -> new IllegalStateException("no signing key is active"));
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(policy.issuer())
                .subject(sub)
                .audience(audience)
                .expirationTime(Date.from(expiresAt))
                .issueTime(Date.from(now))
                .jwtID(jti)
                .claim("client_id", client.clientId());
        if (!scope.isEmpty()) {
            claims.claim("scope", scope.toString());
        }
        if (confirmation != null) {
            claims.claim("cnf", confirmation.claim()); // RFC 9449 §6.1, RFC 8705 §3.1
        }
        extraClaims.forEach(claims::claim);
        SignedJWT jwt = new SignedJWT(key.header(), claims.build());
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("signing with key " + key.kid() + " failed", e);
        }
        return new MintedAccessToken(new AccessToken(jwt.serialize()), TokenFormat.JWT, jti, now, expiresAt, null,
                confirmation);
    }

    /** RFC 8693 §4.1 {@code act} among the claims, which an opaque token's record keeps for introspection. */
    @SuppressWarnings("unchecked")
    private static java.util.Map<String, Object> act(java.util.Map<String, Object> claims) {
        return claims.get("act") instanceof java.util.Map<?, ?> act ? (java.util.Map<String, Object>) act : null;
    }

    /** The family a JWT belongs to, read off its jti; null if it was issued without a refresh token. */
    public static String familyOf(String jti) {
        int dot = jti.indexOf('.');
        return dot < 0 ? null : jti.substring(0, dot);
    }
}
