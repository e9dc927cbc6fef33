package dev.latchkey.core.decision;

import dev.latchkey.core.store.record.AuthorizationCode;
import dev.latchkey.core.authorize.Pkce;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.grant.AuthorizationCodeGrant;
import dev.latchkey.core.grant.GrantType;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.RefreshToken;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.store.record.RefreshTokenRecord;
import dev.latchkey.core.store.record.TokenFamily;
import dev.latchkey.core.token.AccessTokenMinter;
import dev.latchkey.core.token.IdTokenMinter;
import dev.latchkey.core.token.IssuedTokens;
import dev.latchkey.core.token.MintedAccessToken;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The authorization code grant at the token endpoint, RFC 6749 §4.1.3 with RFC 7636 §4.6, as a
 * decision over values: the authenticated client, the request, the code as stored (empty if
 * unknown) and the time.
 *
 * <p>Every refusal about the code is {@code invalid_grant}, and says which rule failed without
 * echoing a value: unknown, expired, another client's, another redirect URI, a missing or wrong
 * PKCE verifier. A code presented after its redemption revokes every token that redemption issued
 * (RFC 6749 §4.1.2: "SHOULD revoke"; here always). Its tokens always start a family, with a refresh
 * token or without one, so that revocation reaches its JWTs too.
 *
 * <p>A refresh token is issued when the client registered {@code refresh_token} and, for an
 * OpenID Connect request, the user granted {@code offline_access} (OIDC Core §11). Thread-safe.
 */
public final class AuthorizationCodeDecision {

    private static final OAuthError REPLAYED = OAuthError.INVALID_GRANT
            .withDescription("The authorization code was already used; the tokens issued from it are revoked");

    private final AccessTokenMinter minter;
    private final IdTokenMinter idTokens;
    private final Audiences audiences;

    public AuthorizationCodeDecision(AccessTokenMinter minter, IdTokenMinter idTokens, String defaultAudience) {
        this.minter = minter;
        this.idTokens = idTokens;
        this.audiences = new Audiences(defaultAudience);
    }

    public GrantOutcome decide(RegisteredClient client, AuthorizationCodeGrant grant, Optional<AuthorizationCode> read,
            Instant precise) {
        Instant now = precise.truncatedTo(ChronoUnit.SECONDS);
        if (!client.metadata().allows(GrantType.AUTHORIZATION_CODE)) {
            return refuse(OAuthError.UNAUTHORIZED_CLIENT, "authorization_code is not registered for this client");
        }
        if (read.isEmpty()) {
            return refuse(OAuthError.INVALID_GRANT, "The authorization code is not valid");
        }
        AuthorizationCode code = read.get();
        if (!code.clientId().equals(client.clientId())) {
            // RFC 6749 §4.1.3: the code must have been issued to the authenticated client.
            return refuse(OAuthError.INVALID_GRANT, "The authorization code was issued to another client");
        }
        if (code.redeemedAt() != null) {
            return new GrantOutcome.RevokeFamily(code.familyId(), REPLAYED);
        }
        if (code.isExpired(now)) {
            return refuse(OAuthError.INVALID_GRANT, "The authorization code has expired");
        }
        // RFC 6749 §4.1.3: redirect_uri must be identical to the one of the authorization request.
        String presented = grant.redirectUri();
        if (presented == null ? !onlyRedirect(client, code) : !presented.equals(code.redirectUri())) {
            return refuse(OAuthError.INVALID_GRANT, "redirect_uri does not match the authorization request");
        }
        if (code.codeChallenge() == null) {
            // RFC 9700 §4.8.2: a verifier for a code issued without a challenge is a downgrade attempt.
            return refuse(OAuthError.INVALID_GRANT, "The authorization code was issued without a code_challenge");
        }
        if (grant.codeVerifier().isEmpty()) {
            return refuse(OAuthError.INVALID_GRANT, "code_verifier is required (PKCE)");
        }
        if (!Pkce.matches(grant.codeVerifier().get(), code.codeChallenge())) {
            return refuse(OAuthError.INVALID_GRANT, "code_verifier does not match the code_challenge");
        }
        List<URI> allowed = code.resources().isEmpty() ? client.metadata().resources() : code.resources();
        List<URI> resources = grant.resources().isEmpty() ? code.resources() : grant.resources();
        Optional<OAuthError> target = audiences.refusal(client, resources, allowed);
        if (target.isPresent()) {
            return new GrantOutcome.Refuse(target.get());
        }

        Scope scope = code.scope();
        String familyId = Secrets.random128();
        MintedAccessToken access = minter.mint(client, code.accountId(), scope, audiences.audience(resources), familyId,
                precise);
        boolean openId = scope.values().contains("openid");
        Optional<String> idToken = !openId ? Optional.empty()
                : Optional.of(idTokens.mint(client.clientId(), client.metadata().userFlows().idTokenSignedResponseAlg(),
                        code.accountId(), code.authTime(), code.nonce(), access.token(), now, Map.of()));
        boolean refresh = client.metadata().allows(GrantType.REFRESH_TOKEN)
                && (!openId || scope.values().contains("offline_access"));
        if (!refresh) {
            // A family of access tokens only, ending with them: the code's replay revokes it.
            TokenFamily family = TokenFamily.start(familyId, client.clientId(), now, access.expiresAt(),
                    code.accountId());
            IssuedTokens issued = new IssuedTokens(access.token(), access.format(), now, access.expiresAt(), scope,
                    Optional.empty(), idToken);
            return new GrantOutcome.Issue(issued, new TokenWrite.RedeemCode(code.hash(),
                    new TokenWrite.StartFamily(family, null, access.record())));
        }
        RefreshToken refreshToken = RefreshToken.generate(precise);
        Duration absolute = client.metadata().refreshTokenAbsoluteTtl();
        TokenFamily family = TokenFamily.start(familyId, client.clientId(), now,
                absolute.isZero() ? null : now.plus(absolute), code.accountId());
        RefreshTokenRecord record = RefreshTokenRecord.active(refreshToken.hash(), family, scope, resources, now,
                now.plus(client.metadata().refreshTokenTtl()), access.expiresAt());
        IssuedTokens issued = new IssuedTokens(access.token(), access.format(), now, access.expiresAt(), scope,
                Optional.of(refreshToken), idToken);
        return new GrantOutcome.Issue(issued, new TokenWrite.RedeemCode(code.hash(),
                new TokenWrite.StartFamily(family, record, access.record())));
    }

    // RFC 6749 §4.1.3: redirect_uri may be left out only if the authorization request left it out,
    // which it may only when the client registered exactly one (§3.1.2.3).
    private static boolean onlyRedirect(RegisteredClient client, AuthorizationCode code) {
        List<URI> registered = client.metadata().userFlows().redirectUris();
        return registered.size() == 1 && registered.get(0).toString().equals(code.redirectUri());
    }

    private static GrantOutcome refuse(OAuthError error, String description) {
        return new GrantOutcome.Refuse(error.withDescription(description));
    }
}
