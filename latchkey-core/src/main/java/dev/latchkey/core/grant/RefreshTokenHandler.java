package dev.latchkey.core.grant;

import dev.latchkey.core.client.GrantType;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.key.MasterKey;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.store.RefreshTokenRecord;
import dev.latchkey.core.store.Rotation;
import dev.latchkey.core.store.StoredRefreshToken;
import dev.latchkey.core.store.TokenStore;
import dev.latchkey.core.token.AccessTokenMinter;
import dev.latchkey.core.token.IssuedTokens;
import dev.latchkey.core.token.MintedAccessToken;
import dev.latchkey.core.token.RefreshToken;
import dev.latchkey.core.token.Revoker;
import dev.latchkey.core.token.TokenHash;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The refresh token grant, RFC 6749 §6, with rotation on every use (RFC 9700 §4.14.2).
 *
 * <p>Order of work: read the token, check it, mint the successor pair, then let the store rotate
 * with one compare-and-set. Of concurrent requests with one token exactly one rotates it; the
 * others find it rotated and are treated as reuse. Reuse revokes the family, unless the client
 * registered a grace window and the request falls inside it: then the very same successor pair,
 * sealed under the master key at rotation, is returned again, so a retry after a lost response is
 * idempotent and nothing extra is issued.
 *
 * <p>The read and the checks run on the calling thread; the answer completes once the rotation is
 * durable, on the store's writer thread, without holding the caller meanwhile. The rare path after
 * a lost compare-and-set reads and may write again, so it continues on {@code storeWaits}, never on
 * the writer thread (which would wait on itself). Thread-safe.
 */
final class RefreshTokenHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RefreshTokenHandler.class);

    private final AccessTokenMinter minter;
    private final TokenStore tokens;
    private final Revoker revoker;
    private final MasterKey masterKey;
    private final Audiences audiences;
    private final Clock clock;
    private final Executor storeWaits;

    RefreshTokenHandler(AccessTokenMinter minter, TokenStore tokens, Revoker revoker, MasterKey masterKey,
            Audiences audiences, Clock clock, Executor storeWaits) {
        this.minter = minter;
        this.tokens = tokens;
        this.revoker = revoker;
        this.masterKey = masterKey;
        this.audiences = audiences;
        this.clock = clock;
        this.storeWaits = storeWaits;
    }

    CompletableFuture<IssuedTokens> handle(RegisteredClient client, RefreshTokenGrant grant) {
        if (!client.metadata().allows(GrantType.REFRESH_TOKEN)) {
            throw OAuthError.UNAUTHORIZED_CLIENT.toException("refresh_token is not registered for this client");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        TokenHash hash = grant.refreshToken().hash();
        StoredRefreshToken stored = tokens.findRefreshToken(hash).orElseThrow(RefreshTokenHandler::invalidToken);
        RefreshTokenRecord current = stored.token();
        // RFC 6749 §6: the refresh token must have been issued to the authenticated client.
        if (!current.clientId().equals(client.clientId())) {
            throw invalidToken();
        }
        if (stored.family().revoked()) {
            throw invalidToken();
        }
        if (current.state() == RefreshTokenRecord.State.ROTATED) {
            return CompletableFuture.completedFuture(reuse(client, current, now));
        }
        if (!stored.isUsable(now)) {
            throw invalidToken();
        }

        // RFC 6749 §6: no scope beyond the one originally granted (nor beyond what the client may
        // still ask for); none requested means the original scope.
        Scope granted = current.scope().intersect(client.metadata().scope());
        Scope scope = grant.scope().orElse(granted);
        if (!granted.containsAll(scope)) {
            throw OAuthError.INVALID_SCOPE.toException("scope exceeds the scope originally granted");
        }
        List<URI> allowed = current.resources().isEmpty() ? client.metadata().resources() : current.resources();
        List<URI> resources = audiences.check(client,
                grant.resources().isEmpty() ? current.resources() : grant.resources(), allowed);

        MintedAccessToken access = minter.mint(client, scope, audiences.audience(resources), current.familyId(), now);
        RefreshToken next = RefreshToken.generate();
        // RFC 6749 §6: the new refresh token keeps the scope of the one it replaces.
        RefreshTokenRecord successor = RefreshTokenRecord.active(next.hash(), current.familyId(), client.clientId(),
                current.scope(), current.resources(), now,
                stored.family().capExpiry(now.plus(client.metadata().refreshTokenTtl())));
        IssuedTokens issued = new IssuedTokens(access.token(), access.format(), now, access.expiresAt(), scope,
                Optional.of(next));

        Duration grace = client.metadata().refreshTokenGrace();
        byte[] sealed = grace.isZero() ? null : masterKey.seal(issued.toBytes(), aad(hash));
        Instant graceUntil = grace.isZero() ? null : now.plus(grace);
        return tokens.rotateAsync(new Rotation(hash, now, successor, access.record(), access.expiresAt(), sealed,
                        graceUntil))
                .thenCompose(rotated -> rotated ? CompletableFuture.completedFuture(issued)
                        : CompletableFuture.supplyAsync(() -> afterLostRace(client, hash, now), storeWaits));
    }

    // Another request rotated this token between our read and our compare-and-set.
    private IssuedTokens afterLostRace(RegisteredClient client, TokenHash hash, Instant now) {
        StoredRefreshToken after = tokens.findRefreshToken(hash).orElseThrow(RefreshTokenHandler::invalidToken);
        if (!after.family().revoked() && after.token().state() == RefreshTokenRecord.State.ROTATED) {
            return reuse(client, after.token(), now);
        }
        throw invalidToken();
    }

    private IssuedTokens reuse(RegisteredClient client, RefreshTokenRecord rotated, Instant now) {
        if (rotated.sealedSuccessor() != null && rotated.graceUntil() != null && now.isBefore(rotated.graceUntil())) {
            // Inside the window the successor is handed out again, but only while it is itself
            // unused: once the client has moved on, an old token coming back is a real replay.
            Optional<StoredRefreshToken> successor = tokens.findRefreshToken(rotated.successorHash());
            if (successor.isPresent() && successor.get().isUsable(now)) {
                return IssuedTokens.fromBytes(masterKey.open(rotated.sealedSuccessor(), aad(rotated.hash())));
            }
        }
        // RFC 9700 §4.14.2: a rotated token used again may have leaked; revoke the whole family.
        revoker.revokeFamily(rotated.familyId(), now);
        LOG.warn("Refresh token reuse by client {}: family {} revoked", client.clientId(), rotated.familyId());
        throw OAuthError.INVALID_GRANT.toException("Refresh token was already used; its token family is revoked");
    }

    private static byte[] aad(TokenHash hash) {
        return ("latchkey-successor:" + hash.value()).getBytes(StandardCharsets.UTF_8);
    }

    private static RuntimeException invalidToken() {
        return OAuthError.INVALID_GRANT.toException("Refresh token is invalid, expired or revoked");
    }
}
