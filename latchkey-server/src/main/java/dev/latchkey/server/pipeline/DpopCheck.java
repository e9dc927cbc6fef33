package dev.latchkey.server.pipeline;

import dev.latchkey.core.assertion.DpopNonces;
import dev.latchkey.core.assertion.DpopProofs;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.store.AuthorizationStore;
import dev.latchkey.core.secret.Confirmation;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * DPoP at the token endpoint (RFC 9449 §5): the proof a request carries checked
 * ({@link DpopProofs}), with the server's nonce when {@code --dpop-nonce} or the client's
 * {@code require_dpop_nonce} asks for one, and its {@code jti} spent once on every node (the store,
 * with its next group commit). A client registered with {@code dpop_bound_access_tokens} must send
 * a proof. Thread-safe.
 */
public final class DpopCheck {

    private final URI tokenEndpoint;
    private final DpopNonces nonces;
    private final boolean nonceForEveryone;
    private final AuthorizationStore store;
    private final Clock clock;

    /**
     * @param tokenEndpoint    the token endpoint's public URL (the issuer's), which proofs name as htu
     * @param nonceForEveryone {@code --dpop-nonce}: every client's proofs carry a nonce
     */
    public DpopCheck(URI tokenEndpoint, DpopNonces nonces, boolean nonceForEveryone, AuthorizationStore store,
            Clock clock) {
        this.tokenEndpoint = tokenEndpoint;
        this.nonces = nonces;
        this.nonceForEveryone = nonceForEveryone;
        this.store = store;
        this.clock = clock;
    }

    /** True if the request needs no check at all: no proof, none required (the common, free case). */
    boolean skips(RegisteredClient client, String proof) {
        return proof == null && !client.metadata().senderConstraint().dpopBoundAccessTokens();
    }

    /**
     * The key a token request proved possession of, or null for a request without a proof; fails
     * with {@code invalid_dpop_proof} or {@code use_dpop_nonce}. The future completes on the
     * store's writer thread once the jti is spent: continue on another executor.
     */
    CompletableFuture<Confirmation> check(RegisteredClient client, String proof) {
        if (proof == null) {
            if (client.metadata().senderConstraint().dpopBoundAccessTokens()) {
                return CompletableFuture.failedFuture(OAuthError.INVALID_DPOP_PROOF.toException(
                        "This client registered dpop_bound_access_tokens: send a DPoP proof"));
            }
            return CompletableFuture.completedFuture(null);
        }
        Instant now = clock.instant();
        DpopProofs.Verified verified;
        try {
            verified = DpopProofs.verify(proof, "POST", tokenEndpoint, requiresNonce(client) ? nonces : null, null, now);
        } catch (RuntimeException refused) {
            return CompletableFuture.failedFuture(refused);
        }
        return store.spendAssertionAsync(verified.jti(), client.clientId(), verified.rememberUntil())
                .thenApply(spent -> spent(spent, verified));
    }

    /**
     * A proof sent to a protected resource of the server's own (the userinfo endpoint) with a
     * DPoP-bound access token (RFC 9449 §7.1): checked with its {@code ath}, its jti spent; waits for
     * the store. No nonce is asked here. Fails with {@code invalid_dpop_proof}.
     *
     * @return the key the proof proves, to compare with the token's {@code cnf.jkt}
     */
    public Confirmation resource(String proof, String method, URI target, String accessToken) {
        Instant now = clock.instant();
        DpopProofs.Verified verified = DpopProofs.verify(proof, method, target, null, accessToken, now);
        return spent(store.spendAssertion(verified.jti(), "resource", verified.rememberUntil()), verified);
    }

    /** RFC 9449 §11.1: a proof is used once; its key, if this was its first use. */
    private static Confirmation spent(boolean first, DpopProofs.Verified verified) {
        if (!first) {
            throw OAuthError.INVALID_DPOP_PROOF.toException("The DPoP proof was used before: its jti is single use");
        }
        return verified.key();
    }

    /** The nonce to hand the client with its tokens (a {@code DPoP-Nonce} header), or null when none is needed. */
    public String nonceFor(RegisteredClient client) {
        return requiresNonce(client) ? nonces.current() : null;
    }

    private boolean requiresNonce(RegisteredClient client) {
        return nonceForEveryone || client.metadata().senderConstraint().requireDpopNonce();
    }
}
