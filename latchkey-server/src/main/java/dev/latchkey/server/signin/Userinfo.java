package dev.latchkey.server.signin;

import dev.latchkey.core.account.Account;
import dev.latchkey.core.store.AccountStore;
import dev.latchkey.core.error.OAuthException;
import dev.latchkey.core.secret.Confirmation;
import dev.latchkey.core.token.Introspection;
import dev.latchkey.server.render.Json;
import dev.latchkey.server.render.Reply;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The UserInfo endpoint, OIDC Core §5.3: GET or POST with the access token as a bearer token
 * (RFC 6750 §2.1 header, or §2.2 form body on POST). The token must be live, carry {@code openid}
 * and act for a user. Answers {@code sub}, and {@code preferred_username} with {@code profile}.
 * Errors are RFC 6750 §3 challenges.
 *
 * <p>A DPoP-bound token (RFC 9449 §7.1) comes as {@code Authorization: DPoP <token>} with a proof
 * of its key in the {@code DPoP} header, {@code ath} included; presented as a bearer token, or with
 * another key's proof, it is refused with a DPoP challenge (§7.1, §7.2).
 */
public final class Userinfo {

    /** Checks a DPoP proof for a request with an access token: the key it proves; throws invalid_dpop_proof. */
    public interface ProofCheck {
        Confirmation check(String proof, String method, String accessToken);
    }

    /** RFC 9449 §7.1 {@code algs}: the algorithms a proof may use, as the metadata lists them. */
    private static final String DPOP_ALGS = "algs=\"" + String.join(" ",
            dev.latchkey.core.assertion.ClientAssertions.ALGORITHMS.stream().map(com.nimbusds.jose.JWSAlgorithm::getName).toList()) + "\"";

    private final Function<String, CompletableFuture<Introspection>> bearer;
    private final Supplier<AccountStore> accounts;
    private final ProofCheck proofs;

    public Userinfo(Function<String, CompletableFuture<Introspection>> bearer, Supplier<AccountStore> accounts,
            ProofCheck proofs) {
        this.bearer = bearer;
        this.accounts = accounts;
        this.proofs = proofs;
    }

    /**
     * @param proof       the {@code DPoP} header, or null
     * @param certificate the thumbprint of the connection's client certificate (mutual TLS), or null
     * @param body        the POST body (form-encoded, may carry {@code access_token}), or null for GET
     */
    public Reply reply(String method, String authorization, String proof, Confirmation certificate, byte[] body) {
        String token = null;
        boolean dpop = authorization != null && authorization.regionMatches(true, 0, "DPoP ", 0, 5);
        if (dpop) {
            token = authorization.substring(5).trim();
        } else if (authorization != null) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.length() <= 7) {
                return challenge(400, "invalid_request", "The Authorization header must be a bearer token");
            }
            token = authorization.substring(7).trim();
        } else if (body != null) {
            token = formValue(new String(body, StandardCharsets.UTF_8), "access_token");
        }
        if (token == null || token.isEmpty()) {
            return new Reply(401, Map.of("WWW-Authenticate", "Bearer realm=\"userinfo\"", "Cache-Control", "no-store"),
                    new byte[0]);
        }
        Confirmation proven = null;
        if (dpop) {
            if (token.isEmpty() || proof == null) {
                return dpopChallenge("invalid_dpop_proof", "A DPoP token needs a DPoP proof header");
            }
            try {
                proven = proofs.check(proof, method, token);
            } catch (OAuthException refused) {
                return dpopChallenge(refused.error().code(), refused.error().description());
            }
        }
        Introspection introspection = bearer.apply(token).join();
        Confirmation bound = introspection.isActive() ? introspection.confirmation() : null;
        if (bound != null && bound.isDpop() && !dpop) {
            // RFC 9449 §7.2: a DPoP-bound token presented as a bearer token is refused.
            return dpopChallenge("invalid_token", "This access token is bound to a DPoP key: send it as DPoP");
        }
        if (dpop && (bound == null || !bound.equals(proven))) {
            return dpopChallenge("invalid_token", "The access token is not bound to the DPoP proof's key");
        }
        if (bound != null && !bound.isDpop() && !bound.equals(certificate)) {
            // RFC 8705 §3: a certificate-bound token is used over a connection with that certificate.
            return challenge(401, "invalid_token", "The access token is bound to a client certificate this request"
                    + " did not present");
        }
        if (!introspection.isActive() || introspection.subject() == null
                || introspection.subject().equals(introspection.clientId())) {
            return challenge(401, "invalid_token", "The access token is not valid for a user");
        }
        String scope = " " + (introspection.scope() == null ? "" : introspection.scope()) + " ";
        if (!scope.contains(" openid ")) {
            return challenge(403, "insufficient_scope", "The access token lacks the scope openid");
        }
        Optional<Account> account = accounts.get().find(introspection.subject()).filter(a -> !a.disabled());
        if (account.isEmpty()) {
            return challenge(401, "invalid_token", "The user of this access token no longer exists");
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", account.get().accountId());
        if (scope.contains(" profile ")) {
            claims.put("preferred_username", account.get().username());
        }
        if (scope.contains(" email ") && account.get().email() != null) {
            claims.put("email", account.get().email());
            claims.put("email_verified", false); // OIDC Core §5.1: Latchkey does not verify addresses
        }
        return new Reply(200, Map.of("Cache-Control", "no-store"), Json.bytes(claims));
    }

    /** RFC 9449 §7.1: the DPoP challenge, naming the algorithms proofs may use. */
    private static Reply dpopChallenge(String error, String description) {
        return new Reply(401, Map.of("WWW-Authenticate", "DPoP " + DPOP_ALGS + ", error=\"" + error
                + "\", error_description=\"" + description.replace('"', '\'') + "\"", "Cache-Control", "no-store"),
                new byte[0]);
    }

    private static Reply challenge(int status, String error, String description) {
        return new Reply(status, Map.of("WWW-Authenticate", "Bearer realm=\"userinfo\", error=\"" + error
                + "\", error_description=\"" + description + "\"", "Cache-Control", "no-store"), new byte[0]);
    }

    private static String formValue(String form, String name) {
        try {
            return dev.latchkey.server.dashboard.Request.decode(form).getValue(name);
        } catch (dev.latchkey.core.manage.ManagementException malformed) {
            return null;
        }
    }
}
