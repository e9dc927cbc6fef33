package dev.latchkey.server.pipeline;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.federation.ExternalJwts;
import dev.latchkey.core.grant.FederatedIdentity;
import dev.latchkey.core.federation.Federation;
import dev.latchkey.core.federation.TrustedIssuer;
import java.time.Instant;
import java.util.List;

/**
 * Workload identity federation: a JWT of an issuer in the operator's federation file (as it reads
 * now), verified with that issuer's keys (inline, or its {@code jwks_uri} through {@link RemoteJwks})
 * and mapped to a client by its rules ({@link ExternalJwts}). May fetch keys: call it on the store workers. Thread-safe.
 */
public final class FederatedIdentities {

    static final int MAX_KEYS = 100;

    private final java.util.function.Supplier<Federation> federation;
    private final List<String> audiences;
    private final RemoteJwks remote = new RemoteJwks(OAuthError.INVALID_GRANT, "the trusted issuer's jwks_uri",
            FederatedIdentities::usable);

    /** @param audiences what an assertion may be addressed to when its issuer's entry lists nothing: the issuer and token endpoint */
    public FederatedIdentities(java.util.function.Supplier<Federation> federation, List<String> audiences) {
        this.federation = federation;
        this.audiences = List.copyOf(audiences);
    }

    /**
     * The identity a trusted issuer's JWT proves; an {@link dev.latchkey.core.error.OAuthException}
     * {@code invalid_grant} if it proves none.
     *
     * @param forClient the client it must map to (the request authenticated as it), or null: the one its rules name
     */
    FederatedIdentity identify(String jwt, String forClient, Instant now) {
        Federation trusted = federation.get();
        if (trusted.isEmpty()) {
            throw OAuthError.INVALID_GRANT.toException("no external issuer is trusted here (the operator lists them"
                    + " with --federation)");
        }
        ExternalJwts.Header header = ExternalJwts.peek(jwt)
                .orElseThrow(() -> OAuthError.INVALID_GRANT.toException("the assertion is not a signed JWT"));
        TrustedIssuer issuer = trusted.issuer(header.issuer())
                .orElseThrow(() -> OAuthError.INVALID_GRANT.toException("the assertion's iss is not a trusted issuer"));
        JWKSet keys = issuer.jwks() != null ? issuer.jwks()
                : remote.keys(issuer.issuer(), issuer.jwksUri(), header.keyId(), now);
        return ExternalJwts.verify(jwt, issuer, keys, audiences, forClient, now);
    }

    /**
     * The keys of a fetched set that can verify a signature Latchkey accepts: public, for signing,
     * EC P-256, Ed25519 or RSA of 2048 bits or more. An issuer's set may hold others (encryption
     * keys, older kinds); they are left out rather than failing the set.
     */
    private static JWKSet usable(JWKSet fetched) {
        List<JWK> keys = fetched.getKeys().stream().limit(MAX_KEYS)
                .filter(key -> key.getKeyUse() == null || KeyUse.SIGNATURE.equals(key.getKeyUse()))
                .filter(dev.latchkey.core.client.ClientKeys::isAcceptedKind)
                .map(JWK::toPublicJWK).toList();
        if (keys.isEmpty()) {
            throw OAuthError.INVALID_GRANT.toException("the trusted issuer's jwks_uri holds no key Latchkey accepts");
        }
        return new JWKSet(keys);
    }
}
