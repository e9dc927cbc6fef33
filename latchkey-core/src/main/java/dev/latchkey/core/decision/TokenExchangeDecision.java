package dev.latchkey.core.decision;

import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.grant.GrantType;
import dev.latchkey.core.grant.TokenExchangeGrant;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.Confirmation;
import dev.latchkey.core.token.AccessTokenMinter;
import dev.latchkey.core.token.IssuedTokens;
import dev.latchkey.core.token.MintedAccessToken;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Token exchange, RFC 8693, as a decision over values: the authenticated client, the request, the
 * subject (and actor) tokens as read and found active, and the time in, a {@link GrantOutcome} out.
 *
 * <p>Default deny: the client must be registered for the grant, and its {@link
 * dev.latchkey.core.client.TokenExchangePolicy} must list the subject token's client and every
 * audience asked for ({@code audience} and {@code resource}; at least one). The new token acts for the
 * subject token's subject; its {@code client_id} is the exchanging client; its scope is the subject
 * token's scope intersected with the client's, narrowed further by {@code scope}; an actor token adds
 * {@code act} naming the actor, with the subject token's own {@code act} nested as the prior actor
 * (§4.1). It joins the subject token's refresh token family, so revoking that family revokes it too.
 * No refresh token is issued. Thread-safe.
 */
public final class TokenExchangeDecision {

    /** An access token presented to the exchange, found active: who it acts for, its client, scope, family, act. */
    public record Presented(String subject, String clientId, Scope scope, String familyId, Map<String, Object> act) {
    }

    private final AccessTokenMinter minter;

    public TokenExchangeDecision(AccessTokenMinter minter) {
        this.minter = minter;
    }

    /** @param subject empty: the subject token is not an active access token of this server */
    public GrantOutcome decide(RegisteredClient client, TokenExchangeGrant grant, Optional<Presented> subject,
            Optional<Presented> actor, Confirmation proven, Instant precise) {
        Instant now = precise.truncatedTo(ChronoUnit.SECONDS);
        if (!client.metadata().allows(GrantType.TOKEN_EXCHANGE)) {
            return refuse(OAuthError.UNAUTHORIZED_CLIENT, "token exchange is not registered for this client");
        }
        // RFC 8693 §2.2.2: an unacceptable subject or actor token is invalid_request.
        if (subject.isEmpty()) {
            return refuse(OAuthError.INVALID_REQUEST, "subject_token is not an active access token of this server, nor a trusted issuer's JWT"
                    + " for an enabled client");
        }
        if (grant.actorToken() != null && actor.isEmpty()) {
            return refuse(OAuthError.INVALID_REQUEST, "actor_token is not an active access token of this server, nor a trusted issuer's JWT"
                    + " for an enabled client");
        }
        Presented presented = subject.get();
        if (!client.metadata().tokenExchange().allowsSubjectOf(presented.clientId())) {
            return refuse(OAuthError.INVALID_REQUEST, "this client may not exchange tokens issued to that client");
        }
        List<String> audience = new ArrayList<>(grant.audiences());
        grant.resources().stream().map(URI::toString).forEach(audience::add);
        if (audience.isEmpty()) {
            return refuse(OAuthError.INVALID_TARGET, "name the audience or resource the new token is for");
        }
        for (String target : audience) {
            if (!client.metadata().tokenExchange().allowsAudience(target)) {
                // RFC 8693 §2.2.2: a target the server will not issue for is invalid_target.
                return refuse(OAuthError.INVALID_TARGET, "this client may not obtain tokens for " + target);
            }
        }
        Scope allowed = presented.scope().intersect(client.metadata().scope());
        Scope scope = grant.scope().orElse(allowed);
        if (!allowed.containsAll(scope) || scope.isEmpty()) {
            return refuse(OAuthError.INVALID_SCOPE, "scope must be within both the subject token's and this client's");
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        actor.ifPresent(acting -> {
            Map<String, Object> act = new LinkedHashMap<>();
            act.put("sub", acting.subject());
            if (acting.clientId() != null) {
                act.put("client_id", acting.clientId());
            }
            if (presented.act() != null) {
                act.put("act", presented.act()); // the prior actor (RFC 8693 §4.1)
            }
            claims.put("act", act);
        });
        if (actor.isEmpty() && presented.act() != null) {
            claims.put("act", presented.act());
        }
        MintedAccessToken access = minter.mint(client, presented.subject(), scope, List.copyOf(audience),
                presented.familyId(), proven, claims, precise);
        IssuedTokens issued = IssuedTokens.of(access, now, scope, Optional.empty(), Optional.empty());
        return new GrantOutcome.Issue(issued, access.record() == null ? new TokenWrite.Nothing()
                : new TokenWrite.SaveAccessToken(access.record()));
    }

    private static GrantOutcome refuse(OAuthError error, String description) {
        return new GrantOutcome.Refuse(error.withDescription(description));
    }
}
