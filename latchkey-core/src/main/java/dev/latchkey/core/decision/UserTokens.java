package dev.latchkey.core.decision;

import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.grant.GrantType;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.RefreshToken;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.store.record.RefreshTokenRecord;
import dev.latchkey.core.store.record.TokenFamily;
import dev.latchkey.core.token.AccessTokenMinter;
import dev.latchkey.core.secret.Confirmation;
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
 * The tokens a user's authorization issues to a client (an authorization code's or a device
 * code's): an access token whose {@code sub} is the user, an id_token for {@code openid}, and a
 * refresh token when the client registered {@code refresh_token} and, for an OpenID Connect
 * request, the user granted {@code offline_access} (OIDC Core §11). They always start a family,
 * with a refresh token or without one, so that revoking the authorization reaches its JWTs too.
 */
final class UserTokens {

    /** What to hand out, and the family to store first. */
    record Issued(IssuedTokens tokens, TokenWrite.StartFamily start) {
    }

    private final AccessTokenMinter minter;
    private final IdTokenMinter idTokens;
    private final Audiences audiences;

    UserTokens(AccessTokenMinter minter, IdTokenMinter idTokens, Audiences audiences) {
        this.minter = minter;
        this.idTokens = idTokens;
        this.audiences = audiences;
    }

    /** @param proven the key the request proved (DPoP), or null: the access token is bound to it */
    Issued issue(RegisteredClient client, String subject, Scope scope, List<URI> resources, Instant authTime,
            String nonce, Confirmation proven, Instant precise) {
        Instant now = precise.truncatedTo(ChronoUnit.SECONDS);
        String familyId = Secrets.timeOrdered128(precise);
        MintedAccessToken access = minter.mint(client, subject, scope, audiences.audience(resources), familyId, proven,
                precise);
        boolean openId = scope.values().contains("openid");
        Optional<String> idToken = !openId ? Optional.empty()
                : Optional.of(idTokens.mint(client.clientId(), client.metadata().userFlows().idTokenSignedResponseAlg(),
                        subject, authTime, nonce, access.token(), now, Map.of()));
        boolean refresh = client.metadata().allows(GrantType.REFRESH_TOKEN)
                && (!openId || scope.values().contains("offline_access"));
        if (!refresh) {
            // A family of access tokens only, ending with them.
            TokenFamily family = TokenFamily.start(familyId, client.clientId(), now, access.expiresAt(), subject);
            return new Issued(IssuedTokens.of(access, now, scope, Optional.empty(), idToken),
                    new TokenWrite.StartFamily(family, null, access.record()));
        }
        RefreshToken refreshToken = RefreshToken.generate(precise);
        Duration absolute = client.metadata().refreshTokenAbsoluteTtl();
        TokenFamily family = TokenFamily.start(familyId, client.clientId(), now,
                absolute.isZero() ? null : now.plus(absolute), subject);
        RefreshTokenRecord record = RefreshTokenRecord.active(refreshToken.hash(), family, scope, resources, now,
                now.plus(client.metadata().refreshTokenTtl()), access.expiresAt())
                .boundTo(refreshBinding(client, proven));
        return new Issued(IssuedTokens.of(access, now, scope, Optional.of(refreshToken), idToken),
                new TokenWrite.StartFamily(family, record, access.record()));
    }

    /**
     * RFC 9449 §5, RFC 8705 §4: a public client's refresh tokens are bound to the DPoP key or the
     * certificate it proved, so a stolen one is useless without it; a confidential client's are
     * bound by its authentication.
     */
    static Confirmation refreshBinding(RegisteredClient client, Confirmation proven) {
        return proven != null && client.metadata().authMethod() == dev.latchkey.core.client.AuthMethod.NONE
                ? proven : null;
    }
}
