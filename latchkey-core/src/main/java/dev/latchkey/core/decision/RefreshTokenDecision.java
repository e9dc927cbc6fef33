package dev.latchkey.core.decision;

import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.grant.GrantType;
import dev.latchkey.core.grant.RefreshTokenGrant;
import dev.latchkey.core.key.MasterKey;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.RefreshToken;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.record.RefreshTokenRecord;
import dev.latchkey.core.store.record.Rotation;
import dev.latchkey.core.store.record.StoredRefreshToken;
import dev.latchkey.core.token.AccessTokenMinter;
import dev.latchkey.core.secret.Confirmation;
import dev.latchkey.core.token.IssuedTokens;
import dev.latchkey.core.token.MintedAccessToken;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The refresh token grant, RFC 6749 §6, with rotation on every use (RFC 9700 §4.14.2), as a
 * decision over values: the authenticated client, the request, what was read for it
 * ({@link RefreshTokenRead}) and the time in, a {@link GrantOutcome} out.
 *
 * <p>A usable token is rotated: the outcome issues a successor pair under the compare-and-set of a
 * {@link TokenWrite.Rotate}. If another request wins that compare-and-set first, the pipeline reads
 * again and asks again; the token then reads as rotated, which is reuse. Reuse revokes the family,
 * unless the client registered a grace window and the request falls inside it while the successor
 * is still unused: then the very same successor pair, sealed under the master key at rotation, is
 * answered again ({@link GrantOutcome.Repeat}), so a retry after a lost response is idempotent and
 * nothing extra is issued. Thread-safe.
 */
public final class RefreshTokenDecision {

    private static final OAuthError INVALID =
            OAuthError.INVALID_GRANT.withDescription("Refresh token is invalid, expired or revoked");
    static final OAuthError REUSED =
            OAuthError.INVALID_GRANT.withDescription("Refresh token was already used; its token family is revoked");

    private final AccessTokenMinter minter;
    private final MasterKey masterKey;
    private final Audiences audiences;

    public RefreshTokenDecision(AccessTokenMinter minter, MasterKey masterKey, String defaultAudience) {
        this.minter = minter;
        this.masterKey = masterKey;
        this.audiences = new Audiences(defaultAudience);
    }

    /**
     * The successor the decision will need, if any: only a rotated token that may still be inside
     * its grace window asks for it (to check that the successor is unused).
     */
    public static Optional<TokenHash> successorToRead(Optional<StoredRefreshToken> read, Instant now) {
        return read.map(StoredRefreshToken::token)
                .filter(token -> token.state() == RefreshTokenRecord.State.ROTATED && insideGrace(token, now))
                .map(RefreshTokenRecord::successorHash);
    }

    /**
     * @param precise the time as precise as the clock gives it: token times are its whole seconds,
     *                new token values lead with its milliseconds
     */
    public GrantOutcome decide(RegisteredClient client, RefreshTokenGrant grant, RefreshTokenRead read,
            Instant precise) {
        return decide(client, grant, read, null, precise);
    }

    /**
     * @param proven the key the request proved possession of (a DPoP proof's), or null: the new
     *               access token is bound to it, and a refresh token bound to a key needs that key
     */
    public GrantOutcome decide(RegisteredClient client, RefreshTokenGrant grant, RefreshTokenRead read,
            Confirmation proven, Instant precise) {
        Instant now = precise.truncatedTo(ChronoUnit.SECONDS);
        if (!client.metadata().allows(GrantType.REFRESH_TOKEN)) {
            return new GrantOutcome.Refuse(OAuthError.UNAUTHORIZED_CLIENT
                    .withDescription("refresh_token is not registered for this client"));
        }
        // RFC 6749 §6: the refresh token must have been issued to the authenticated client.
        if (read.token().isEmpty() || !read.token().get().token().clientId().equals(client.clientId())
                || read.token().get().family().revoked()) {
            return new GrantOutcome.Refuse(INVALID);
        }
        StoredRefreshToken stored = read.token().get();
        RefreshTokenRecord current = stored.token();
        if (current.state() == RefreshTokenRecord.State.ROTATED) {
            return reuse(current, read.successor(), proven, now);
        }
        if (!stored.isUsable(now)) {
            return new GrantOutcome.Refuse(INVALID);
        }
        // RFC 9449 §5: a refresh token bound to a DPoP key is used with a proof of that same key.
        if (current.confirmation() != null && !current.confirmation().equals(proven)) {
            return new GrantOutcome.Refuse(OAuthError.INVALID_GRANT.withDescription(
                    "The refresh token is bound to a DPoP key; send a DPoP proof signed with that key"));
        }

        // RFC 6749 §6: no scope beyond the one originally granted (nor beyond what the client may
        // still ask for); none requested means the original scope.
        // A user's tokens keep the OpenID Connect scopes they were granted (they open no API).
        Scope clientMay = current.subject() == null ? client.metadata().scope()
                : Scope.of(java.util.stream.Stream.concat(client.metadata().scope().values().stream(),
                        dev.latchkey.core.authorize.AuthorizationRequest.OIDC_SCOPES.stream()).toList());
        Scope granted = current.scope().intersect(clientMay);
        Scope scope = grant.scope().orElse(granted);
        if (!granted.containsAll(scope)) {
            return new GrantOutcome.Refuse(OAuthError.INVALID_SCOPE
                    .withDescription("scope exceeds the scope originally granted"));
        }
        List<URI> allowed = current.resources().isEmpty() ? client.metadata().resources() : current.resources();
        List<URI> resources = grant.resources().isEmpty() ? current.resources() : grant.resources();
        Optional<OAuthError> target = audiences.refusal(client, resources, allowed);
        if (target.isPresent()) {
            return new GrantOutcome.Refuse(target.get());
        }

        MintedAccessToken access = minter.mint(client, current.subject(), scope, audiences.audience(resources),
                current.familyId(), proven, precise);
        RefreshToken next = RefreshToken.generate(precise);
        // RFC 6749 §6: the new refresh token keeps the scope of the one it replaces.
        RefreshTokenRecord successor = RefreshTokenRecord.active(next.hash(), stored.family(), current.scope(),
                current.resources(), now, now.plus(client.metadata().refreshTokenTtl()), access.expiresAt())
                .boundTo(current.confirmation() != null ? current.confirmation()
                        : UserTokens.refreshBinding(client, proven));
        IssuedTokens issued = IssuedTokens.of(access, now, scope, Optional.of(next), Optional.empty());

        Duration grace = client.metadata().refreshTokenGrace();
        byte[] sealed = grace.isZero() ? null : masterKey.seal(issued.toBytes(), aad(current.hash()));
        Instant graceUntil = grace.isZero() ? null : now.plus(grace);
        Rotation rotation = Rotation.builder(current.hash(), now, successor).accessToken(access.record())
                .graceWindow(sealed, graceUntil).build();
        return new GrantOutcome.Issue(issued, new TokenWrite.Rotate(rotation));
    }

    private GrantOutcome reuse(RefreshTokenRecord rotated, Optional<StoredRefreshToken> successor, Confirmation proven,
            Instant now) {
        // Inside the window the successor is handed out again, but only while it is itself unused:
        // once the client has moved on, an old token coming back is a real replay. A bound token's
        // successor goes only to a request proving the same key.
        if (rotated.sealedSuccessor() != null && insideGrace(rotated, now)
                && (rotated.confirmation() == null || rotated.confirmation().equals(proven))
                && successor.filter(next -> next.isUsable(now)).isPresent()) {
            return new GrantOutcome.Repeat(IssuedTokens.fromBytes(masterKey.open(rotated.sealedSuccessor(),
                    aad(rotated.hash()))));
        }
        // RFC 9700 §4.14.2: a rotated token used again may have leaked; revoke the whole family.
        return new GrantOutcome.RevokeFamily(rotated.familyId(), REUSED);
    }

    private static boolean insideGrace(RefreshTokenRecord token, Instant now) {
        return token.graceUntil() != null && now.isBefore(token.graceUntil());
    }

    private static byte[] aad(TokenHash hash) {
        return ("latchkey-successor:" + hash.value()).getBytes(StandardCharsets.UTF_8);
    }
}
