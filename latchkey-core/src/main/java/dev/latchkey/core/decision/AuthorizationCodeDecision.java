package dev.latchkey.core.decision;

import dev.latchkey.core.store.record.AuthorizationCode;
import dev.latchkey.core.authorize.Pkce;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.grant.AuthorizationCodeGrant;
import dev.latchkey.core.grant.GrantType;
import dev.latchkey.core.token.AccessTokenMinter;
import dev.latchkey.core.token.IdTokenMinter;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The authorization code grant at the token endpoint, RFC 6749 §4.1.3 with RFC 7636 §4.6, as a
 * decision over values: the authenticated client, the request, the code as stored (empty if
 * unknown) and the time.
 *
 * <p>Every refusal about the code is {@code invalid_grant}, and says which rule failed without
 * echoing a value: unknown, expired, another client's, another redirect URI, a missing or wrong
 * PKCE verifier. A code presented after its redemption revokes every token that redemption issued
 * (RFC 6749 §4.1.2: "SHOULD revoke"; here always). What it issues: {@link UserTokens}. Thread-safe.
 */
public final class AuthorizationCodeDecision {

    private static final OAuthError REPLAYED = OAuthError.INVALID_GRANT
            .withDescription("The authorization code was already used; the tokens issued from it are revoked");

    private final Audiences audiences;
    private final UserTokens tokens;

    public AuthorizationCodeDecision(AccessTokenMinter minter, IdTokenMinter idTokens, String defaultAudience) {
        this.audiences = new Audiences(defaultAudience);
        this.tokens = new UserTokens(minter, idTokens, audiences);
    }

    public GrantOutcome decide(RegisteredClient client, AuthorizationCodeGrant grant, Optional<AuthorizationCode> read,
            Instant precise) {
        return decide(client, grant, read, null, precise);
    }

    /** @param proven the key the request proved possession of (a DPoP proof's), or null: the tokens' binding */
    public GrantOutcome decide(RegisteredClient client, AuthorizationCodeGrant grant, Optional<AuthorizationCode> read,
            dev.latchkey.core.secret.Confirmation proven, Instant precise) {
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
        // RFC 9449 §10: a code issued for dpop_jkt is redeemed only with a proof of that key.
        if (code.dpopJkt() != null && (proven == null || !proven.isDpop()
                || !code.dpopJkt().equals(proven.thumbprint()))) {
            return refuse(OAuthError.INVALID_GRANT, "The authorization code is bound to a DPoP key (dpop_jkt): send a"
                    + " DPoP proof signed with that key");
        }
        List<URI> allowed = code.resources().isEmpty() ? client.metadata().resources() : code.resources();
        List<URI> resources = grant.resources().isEmpty() ? code.resources() : grant.resources();
        Optional<OAuthError> target = audiences.refusal(client, resources, allowed);
        if (target.isPresent()) {
            return new GrantOutcome.Refuse(target.get());
        }

        UserTokens.Issued issued = tokens.issue(client, code.accountId(), code.scope(), resources, code.authTime(),
                code.nonce(), proven, precise);
        return new GrantOutcome.Issue(issued.tokens(), new TokenWrite.RedeemCode(code.hash(), issued.start()));
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
