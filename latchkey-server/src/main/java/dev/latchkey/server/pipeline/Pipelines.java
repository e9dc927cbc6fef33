package dev.latchkey.server.pipeline;

import dev.latchkey.core.decision.ClientCredentialsDecision;
import dev.latchkey.core.decision.IntrospectionDecision;
import dev.latchkey.core.decision.RefreshTokenDecision;
import dev.latchkey.core.decision.RevocationDecision;
import dev.latchkey.core.key.MasterKey;
import dev.latchkey.core.registry.ClientDirectory;
import dev.latchkey.core.store.TokenStore;
import dev.latchkey.core.token.AccessTokenMinter;
import dev.latchkey.core.token.IssuerPolicy;
import dev.latchkey.core.token.JwtVerifier;
import dev.latchkey.core.token.RevocationList;
import dev.latchkey.core.usage.UsageCounter;
import dev.latchkey.store.jdbc.AsyncTokenStore;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/** The three request pipelines of the token service, built over one store and one set of caches. */
public record Pipelines(TokenPipeline tokens, IntrospectionPipeline introspection, RevocationPipeline revocation,
        FamilyRevocations families, DpopCheck dpop) {

    /** Refresh tokens and codes presented again after use since the start (each revoked its family). */
    public long reuseDetections() {
        return families.reuseDetections();
    }

    /** What the pipelines are built from. */
    public record Parts(ClientDirectory clients, TokenStore tokens, AsyncTokenStore asyncTokens, JwtVerifier jwts,
            AccessTokenMinter minter, MasterKey masterKey, IssuerPolicy policy, RevocationList revocations,
            BooleanSupplier revocationsAreCurrent, UsageCounter usage, Executor workers, Clock clock,
            dev.latchkey.core.store.AuthorizationStore codes, dev.latchkey.core.token.IdTokenMinter idTokens,
            DpopCheck dpop, Quotas quotas, java.util.Set<java.security.cert.TrustAnchor> mtlsAnchors,
            FederatedIdentities federation) {
    }

    public static Pipelines of(Parts parts) {
        Authentication authentication = new Authentication(parts.clients(), parts.usage(), parts.workers(),
                parts.clock(), parts.codes(), parts.mtlsAnchors());
        FamilyRevocations families = new FamilyRevocations(parts.tokens(), parts.revocations(), parts.clock());
        String audience = parts.policy().defaultAudience();
        TokenPipeline tokens = new TokenPipeline(parts.federation(),
                new dev.latchkey.core.decision.JwtBearerDecision(parts.minter(), audience),
                new dev.latchkey.core.decision.TokenExchangeDecision(parts.minter()),
                new PresentedTokens(parts.jwts(), parts.tokens(), new IntrospectionDecision(parts.revocations()),
                        parts.clients(), parts.federation()),
                parts.dpop(), parts.quotas(), authentication, parts.tokens(), parts.asyncTokens(), families,
                new ClientCredentialsDecision(parts.minter(), audience),
                new RefreshTokenDecision(parts.minter(), parts.masterKey(), audience),
                new dev.latchkey.core.decision.AuthorizationCodeDecision(parts.minter(), parts.idTokens(), audience),
                new dev.latchkey.core.decision.DeviceCodeDecision(parts.minter(), parts.idTokens(), audience),
                parts.codes(), parts.usage(), parts.workers(), parts.clock());
        IntrospectionPipeline introspection = new IntrospectionPipeline(authentication, parts.jwts(),
                parts.asyncTokens(), new IntrospectionDecision(parts.revocations()), parts.revocationsAreCurrent(),
                parts.clock());
        RevocationPipeline revocation = new RevocationPipeline(authentication, parts.jwts(), parts.tokens(),
                parts.revocations(), families, new RevocationDecision(parts.revocations()), parts.workers(),
                parts.clock());
        return new Pipelines(tokens, introspection, revocation, families, parts.dpop());
    }
}
