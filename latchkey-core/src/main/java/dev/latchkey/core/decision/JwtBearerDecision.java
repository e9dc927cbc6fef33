package dev.latchkey.core.decision;

import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.grant.FederatedIdentity;
import dev.latchkey.core.grant.GrantType;
import dev.latchkey.core.grant.JwtBearerGrant;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.Confirmation;
import dev.latchkey.core.token.AccessTokenMinter;
import dev.latchkey.core.token.IssuedTokens;
import dev.latchkey.core.token.MintedAccessToken;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The JWT bearer grant (RFC 7523 §2.1) for workload identity federation, as a decision over values:
 * the client the verified assertion maps to (and, if the request authenticated, is), the grant with
 * its {@link FederatedIdentity}, and the time in, a {@link GrantOutcome} out.
 *
 * <p>The client must be registered for the grant. The token is the client's own, as from
 * client_credentials ({@code sub} is the client id): the scope asked for must lie within the client's
 * scope and the matching rule's ceiling (none asked: all of that), resources must be registered for
 * the client. No refresh token: the workload's next token comes from its issuer. Thread-safe.
 */
public final class JwtBearerDecision {

    private final AccessTokenMinter minter;
    private final Audiences audiences;

    public JwtBearerDecision(AccessTokenMinter minter, String defaultAudience) {
        this.minter = minter;
        this.audiences = new Audiences(defaultAudience);
    }

    public GrantOutcome decide(RegisteredClient client, JwtBearerGrant grant, Confirmation proven, Instant precise) {
        FederatedIdentity identity = grant.identity();
        if (identity == null || !identity.clientId().equals(client.clientId())) {
            throw new IllegalStateException("the pipeline decides a JWT bearer grant only for its verified client");
        }
        if (!client.metadata().allows(GrantType.JWT_BEARER)) {
            return refuse(OAuthError.UNAUTHORIZED_CLIENT, "the jwt-bearer grant is not registered for this client");
        }
        Scope allowed = identity.within(client.metadata().scope());
        Scope scope = grant.scope().orElse(allowed);
        if (!allowed.containsAll(scope)) {
            return refuse(OAuthError.INVALID_SCOPE, "scope exceeds what this client and the matching rule allow");
        }
        Optional<OAuthError> target = audiences.refusal(client, grant.resources(), client.metadata().resources());
        if (target.isPresent()) {
            return new GrantOutcome.Refuse(target.get());
        }
        List<String> audience = audiences.audience(grant.resources());
        MintedAccessToken access = minter.mint(client, null, scope, audience, null, proven, precise);
        IssuedTokens issued = IssuedTokens.of(access, precise.truncatedTo(ChronoUnit.SECONDS), scope, Optional.empty(),
                Optional.empty());
        return new GrantOutcome.Issue(issued, access.record() == null ? new TokenWrite.Nothing()
                : new TokenWrite.SaveAccessToken(access.record()));
    }

    private static GrantOutcome refuse(OAuthError error, String description) {
        return new GrantOutcome.Refuse(error.withDescription(description));
    }
}
