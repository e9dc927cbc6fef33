package dev.latchkey.core.authorize;

import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.error.OAuthException;
import dev.latchkey.core.grant.GrantType;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.TokenHash;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1) once checked against its client:
 * what the consent page shows and the code is bound to. Immutable.
 *
 * <p>Secure defaults that are not optional: {@code response_type=code} only (RFC 9700 §2.1.2);
 * PKCE with {@code S256} for every client (RFC 9700 §2.1.1: a request without a challenge, or with
 * {@code plain}, is refused); the redirect URI compared exactly as registered (RFC 9700 §4.1.3).
 *
 * @param redirectUri the redirect URI to answer at: the one the request named, verified, or the
 *                    only one registered when it named none (RFC 6749 §3.1.2.3)
 * @param scope       what the client asks for: within its registered scope and the OIDC scopes
 * @param maxAge      OIDC {@code max_age} in seconds, or empty
 * @param pushed      the hash of the RFC 9126 {@code request_uri} it came from, or null if it was not pushed
 * @param dpopJkt     RFC 9449 §10 {@code dpop_jkt}: the DPoP key the code will be bound to, or null
 */
public record AuthorizationRequest(RegisteredClient client, String redirectUri, String state, Scope scope,
        String codeChallenge, String nonce, Set<Prompt> prompt, Optional<Long> maxAge, String loginHint,
        List<URI> resources, TokenHash pushed, String dpopJkt) {

    /** A request without dpop_jkt. */
    public AuthorizationRequest(RegisteredClient client, String redirectUri, String state, Scope scope,
            String codeChallenge, String nonce, Set<Prompt> prompt, Optional<Long> maxAge, String loginHint,
            List<URI> resources, TokenHash pushed) {
        this(client, redirectUri, state, scope, codeChallenge, nonce, prompt, maxAge, loginHint, resources, pushed,
                null);
    }

    /** OIDC Core §3.1.2.1 {@code prompt} values offered ({@code select_account} is not: one account per browser). */
    public enum Prompt {
        NONE, LOGIN, CONSENT
    }

    /** Scopes every client of the code flow may ask for: they grant access to no API (OIDC Core §5.4, §11). */
    public static final Set<String> OIDC_SCOPES = Set.of("openid", "profile", "email", "offline_access");
    private static final int MAX_STATE_CHARS = 1024;

    public AuthorizationRequest {
        prompt = prompt.isEmpty() ? EnumSet.noneOf(Prompt.class) : EnumSet.copyOf(prompt);
        resources = List.copyOf(resources);
    }

    /** The same request, as read from the pushed request {@code hash} names. */
    public AuthorizationRequest pushedAs(TokenHash hash) {
        return new AuthorizationRequest(client, redirectUri, state, scope, codeChallenge, nonce, prompt, maxAge,
                loginHint, resources, hash, dpopJkt);
    }

    public boolean isOpenId() {
        return scope.values().contains("openid");
    }

    /**
     * Checks a request.
     *
     * @param parameters the request's parameters, first value of each
     * @param repeated   the names that came more than once (RFC 6749 §3.1: none may, except {@code resource})
     * @param client     the client {@code client_id} names, if registered
     * @throws AuthorizationFailure a page for a bad client or redirect URI; else a redirect with the error
     */
    public static AuthorizationRequest parse(Map<String, String> parameters, Set<String> repeated,
            Optional<RegisteredClient> client) {
        String clientId = parameters.get("client_id");
        if (clientId == null || clientId.isEmpty()) {
            throw AuthorizationFailure.page("The request names no client (client_id is missing).");
        }
        if (repeated.contains("client_id") || repeated.contains("redirect_uri")) {
            throw AuthorizationFailure.page("The request repeats client_id or redirect_uri.");
        }
        if (client.isEmpty() || client.get().disabled()) {
            throw AuthorizationFailure.page("The application that sent you here is not registered, or is disabled.");
        }
        RegisteredClient registered = client.get();
        String redirectUri = redirectUri(parameters.get("redirect_uri"), registered);
        String state = parameters.get("state");
        if (state != null && state.length() > MAX_STATE_CHARS) {
            throw AuthorizationFailure.page("The request's state is longer than " + MAX_STATE_CHARS + " characters.");
        }
        // From here every error goes back to the client (RFC 6749 §4.1.2.1).
        for (String name : repeated) {
            if (!name.equals("resource")) {
                throw fail(OAuthError.INVALID_REQUEST, name + " is repeated", redirectUri, state);
            }
        }
        if (parameters.containsKey("request_uri")) {
            throw fail(OAuthError.INVALID_REQUEST, "request_uri may not be pushed or nested", redirectUri, state);
        }
        if (parameters.containsKey("request")) {
            throw fail(new OAuthError("request_not_supported", null, null, 400),
                    "request objects are not supported; push the request with PAR instead", redirectUri, state);
        }
        String responseType = parameters.get("response_type");
        if (responseType == null) {
            throw fail(OAuthError.INVALID_REQUEST, "response_type is required", redirectUri, state);
        }
        if (!responseType.equals("code")) {
            throw fail(OAuthError.UNSUPPORTED_RESPONSE_TYPE, "response_type must be code", redirectUri, state);
        }
        if (!registered.metadata().allows(GrantType.AUTHORIZATION_CODE)) {
            throw fail(OAuthError.UNAUTHORIZED_CLIENT, "authorization_code is not registered for this client",
                    redirectUri, state);
        }
        String challenge = parameters.get("code_challenge");
        if (challenge == null) {
            throw fail(OAuthError.INVALID_REQUEST, "code_challenge is required (PKCE, RFC 7636, with S256)",
                    redirectUri, state);
        }
        // RFC 7636 §4.3: an absent method means plain, which is refused like plain itself.
        if (!"S256".equals(parameters.get("code_challenge_method"))) {
            throw fail(OAuthError.INVALID_REQUEST, "code_challenge_method must be S256", redirectUri, state);
        }
        if (!Pkce.isChallenge(challenge)) {
            throw fail(OAuthError.INVALID_REQUEST, "code_challenge must be 43 characters of base64url", redirectUri,
                    state);
        }
        Scope scope = scope(parameters.get("scope"), registered, redirectUri, state);
        Set<Prompt> prompt = prompt(parameters.get("prompt"), redirectUri, state);
        Optional<Long> maxAge = Optional.empty();
        if (parameters.get("max_age") != null) {
            try {
                long seconds = Long.parseLong(parameters.get("max_age"));
                if (seconds < 0) {
                    throw new NumberFormatException();
                }
                maxAge = Optional.of(seconds);
            } catch (NumberFormatException e) {
                throw fail(OAuthError.INVALID_REQUEST, "max_age must be a number of seconds", redirectUri, state);
            }
        }
        String nonce = parameters.get("nonce");
        if (nonce != null && nonce.length() > 255) {
            throw fail(OAuthError.INVALID_REQUEST, "nonce is longer than 255 characters", redirectUri, state);
        }
        List<URI> resources = List.of();
        String resource = parameters.get("resource");
        if (resource != null) {
            try {
                resources = List.of(ClientMetadata.resourceUri(resource, OAuthError.INVALID_TARGET));
            } catch (OAuthException e) {
                throw fail(OAuthError.INVALID_TARGET, e.error().description(), redirectUri, state);
            }
            if (!registered.metadata().resources().containsAll(resources)) {
                throw fail(OAuthError.INVALID_TARGET, "resource is not registered for this client", redirectUri, state);
            }
        }
        String loginHint = parameters.get("login_hint");
        // RFC 9449 §10: the JWK SHA-256 thumbprint (RFC 7638) of the key the code will be bound to.
        String dpopJkt = parameters.get("dpop_jkt");
        if (dpopJkt != null && !Pkce.isChallenge(dpopJkt)) {
            throw fail(OAuthError.INVALID_REQUEST, "dpop_jkt must be a JWK SHA-256 thumbprint: 43 characters of"
                    + " base64url", redirectUri, state);
        }
        return new AuthorizationRequest(registered, redirectUri, state, scope, challenge, nonce, prompt, maxAge,
                loginHint == null || loginHint.length() > 100 ? null : loginHint, resources, null, dpopJkt);
    }

    private static String redirectUri(String presented, RegisteredClient client) {
        List<URI> registered = client.metadata().userFlows().redirectUris();
        if (presented == null) {
            if (registered.size() == 1) {
                return registered.get(0).toString();
            }
            throw AuthorizationFailure.page("The request names no redirect_uri, and the application registered"
                    + (registered.isEmpty() ? " none." : " several."));
        }
        return client.metadata().userFlows().redirectUri(presented).map(URI::toString)
                .orElseThrow(() -> AuthorizationFailure.page("The redirect_uri is not one the application registered."));
    }

    private static Scope scope(String text, RegisteredClient client, String redirectUri, String state) {
        Scope allowed = client.metadata().scope();
        if (text == null) {
            return allowed; // RFC 6749 §3.3: the registered scope is the default
        }
        Scope requested;
        try {
            requested = Scope.parse(text, OAuthError.INVALID_SCOPE);
        } catch (OAuthException e) {
            throw fail(OAuthError.INVALID_SCOPE, "scope is malformed", redirectUri, state);
        }
        for (String value : requested.values()) {
            if (!allowed.values().contains(value) && !OIDC_SCOPES.contains(value)) {
                throw fail(OAuthError.INVALID_SCOPE, "scope exceeds what is registered for this client", redirectUri,
                        state);
            }
        }
        return requested;
    }

    private static Set<Prompt> prompt(String text, String redirectUri, String state) {
        Set<Prompt> prompt = EnumSet.noneOf(Prompt.class);
        if (text == null || text.isBlank()) {
            return prompt;
        }
        for (String value : text.trim().split(" +")) {
            switch (value) {
                case "none" -> prompt.add(Prompt.NONE);
                case "login" -> prompt.add(Prompt.LOGIN);
                case "consent" -> prompt.add(Prompt.CONSENT);
                default -> throw fail(OAuthError.INVALID_REQUEST, "prompt may hold none, login and consent",
                        redirectUri, state);
            }
        }
        if (prompt.contains(Prompt.NONE) && prompt.size() > 1) {
            // OIDC Core §3.1.2.1: none with any other value is an error.
            throw fail(OAuthError.INVALID_REQUEST, "prompt none cannot be combined with another value", redirectUri,
                    state);
        }
        return prompt;
    }

    private static AuthorizationFailure fail(OAuthError error, String description, String redirectUri, String state) {
        return AuthorizationFailure.redirect(error, description, redirectUri, state);
    }
}
