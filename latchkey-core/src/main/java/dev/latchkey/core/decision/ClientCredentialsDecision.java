package dev.latchkey.core.decision;

import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.grant.ClientCredentialsGrant;
import dev.latchkey.core.grant.GrantType;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.RefreshToken;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.store.record.RefreshTokenRecord;
import dev.latchkey.core.store.record.TokenFamily;
import dev.latchkey.core.token.AccessTokenMinter;
import dev.latchkey.core.token.IssuedTokens;
import dev.latchkey.core.token.MintedAccessToken;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The client credentials grant, RFC 6749 §4.4, as a decision over values: the authenticated
 * client, the request and the time in, a {@link GrantOutcome} out. Nothing is read for it.
 *
 * <p>The requested scope must be a subset of the client's registered scope; none requested means
 * all of it (§3.3 lets the server pick a default). A client registered with {@code refresh_token}
 * also gets a refresh token, which starts a new family: §4.4.3 advises against it, but several of
 * the APIs whose token shapes Latchkey serves do it, and rotation makes it safe. Thread-safe.
 */
public final class ClientCredentialsDecision {

    private final AccessTokenMinter minter;
    private final Audiences audiences;

    public ClientCredentialsDecision(AccessTokenMinter minter, String defaultAudience) {
        this.minter = minter;
        this.audiences = new Audiences(defaultAudience);
    }

    /**
     * @param precise the time as precise as the clock gives it: token times are its whole seconds,
     *                new token values lead with its milliseconds
     */
    public GrantOutcome decide(RegisteredClient client, ClientCredentialsGrant grant, Instant precise) {
        return decide(client, grant, null, precise);
    }

    /** @param proven the key the request proved possession of (a DPoP proof's), or null: the tokens' binding */
    public GrantOutcome decide(RegisteredClient client, ClientCredentialsGrant grant,
            dev.latchkey.core.secret.Confirmation proven, Instant precise) {
        Instant now = precise.truncatedTo(ChronoUnit.SECONDS);
        if (!client.metadata().allows(GrantType.CLIENT_CREDENTIALS)) {
            return refuse(OAuthError.UNAUTHORIZED_CLIENT, "client_credentials is not registered for this client");
        }
        Scope allowed = client.metadata().scope();
        Scope scope = grant.scope().orElse(allowed);
        if (!allowed.containsAll(scope)) {
            return refuse(OAuthError.INVALID_SCOPE, "scope exceeds what is registered for this client");
        }
        Optional<OAuthError> target = audiences.refusal(client, grant.resources(), client.metadata().resources());
        if (target.isPresent()) {
            return new GrantOutcome.Refuse(target.get());
        }
        List<URI> resources = grant.resources();
        List<String> audience = audiences.audience(resources);

        if (!client.metadata().allows(GrantType.REFRESH_TOKEN)) {
            MintedAccessToken access = minter.mint(client, null, scope, audience, null, proven, precise);
            IssuedTokens issued = IssuedTokens.of(access, now, scope, Optional.empty(), Optional.empty());
            return new GrantOutcome.Issue(issued, access.record() == null ? new TokenWrite.Nothing()
                    : new TokenWrite.SaveAccessToken(access.record()));
        }
        String familyId = Secrets.timeOrdered128(precise);
        MintedAccessToken access = minter.mint(client, null, scope, audience, familyId, proven, precise);
        RefreshToken refresh = RefreshToken.generate(precise);
        Duration absolute = client.metadata().refreshTokenAbsoluteTtl();
        TokenFamily family = TokenFamily.start(familyId, client.clientId(), now,
                absolute.isZero() ? null : now.plus(absolute));
        RefreshTokenRecord record = RefreshTokenRecord.active(refresh.hash(), family, scope, resources, now,
                now.plus(client.metadata().refreshTokenTtl()), access.expiresAt());
        IssuedTokens issued = IssuedTokens.of(access, now, scope, Optional.of(refresh), Optional.empty());
        return new GrantOutcome.Issue(issued, new TokenWrite.StartFamily(family, record, access.record()));
    }

    private static GrantOutcome refuse(OAuthError error, String description) {
        return new GrantOutcome.Refuse(error.withDescription(description));
    }
}
