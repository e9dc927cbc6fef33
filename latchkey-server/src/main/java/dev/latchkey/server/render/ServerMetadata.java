package dev.latchkey.server.render;

import java.util.LinkedHashMap;
import dev.latchkey.core.client.UserFlows;
import java.util.List;
import java.util.Map;

/**
 * The authorization server metadata, RFC 8414 §2, and the OpenID Provider metadata (OIDC Discovery
 * §3), which is the same document plus the OpenID members. Describes exactly what this server
 * does: the code flow with PKCE S256 only, the {@code iss} authorization response parameter, three
 * grants, and public clients ({@code none}) at the token and revocation endpoints only.
 */
public final class ServerMetadata {

    static final List<String> AUTH_METHODS = List.of("client_secret_basic", "client_secret_post", "private_key_jwt");
    static final List<String> TOKEN_AUTH_METHODS =
            List.of("client_secret_basic", "client_secret_post", "private_key_jwt", "none");
    /** RFC 8414 §2: the algorithms a private_key_jwt assertion may be signed with, exactly. */
    static final List<String> ASSERTION_ALGORITHMS = dev.latchkey.core.assertion.ClientAssertions.ALGORITHMS.stream()
            .map(com.nimbusds.jose.JWSAlgorithm::getName).toList();

    private ServerMetadata() {
    }

    private static List<String> with(List<String> methods, List<String> more) {
        if (more.isEmpty()) {
            return methods;
        }
        List<String> all = new java.util.ArrayList<>(methods);
        all.addAll(more);
        return all;
    }

    /**
     * @param endpoints   the absolute URIs, by member name ({@code token_endpoint}, ...)
     * @param mtlsMethods the mutual-TLS client methods offered (RFC 8705 §2; empty: mutual TLS is off)
     * @param federation  external issuers are trusted: the JWT bearer grant (RFC 7523 §2.1) is offered
     */
    public static Reply reply(String issuer, Map<String, String> endpoints, boolean requirePushed,
            List<String> mtlsMethods, boolean federation) {
        return new Reply(200, Map.of("Cache-Control", "public, max-age=300"),
                Json.bytes(document(issuer, endpoints, requirePushed, mtlsMethods, federation)));
    }

    public static Map<String, Object> document(String issuer, Map<String, String> endpoints, boolean requirePushed,
            List<String> mtlsMethods, boolean federation) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("issuer", issuer);
        metadata.putAll(endpoints);
        metadata.put("response_types_supported", List.of("code"));           // RFC 9700 §2.1.2
        metadata.put("response_modes_supported", List.of("query"));
        metadata.put("grant_types_supported", with(List.of("authorization_code", "client_credentials", "refresh_token",
                "urn:ietf:params:oauth:grant-type:device_code", "urn:ietf:params:oauth:grant-type:token-exchange"),
                federation ? List.of(dev.latchkey.core.grant.JwtBearerGrant.GRANT_TYPE) : List.of()));
        metadata.put("code_challenge_methods_supported", List.of("S256"));   // RFC 7636 §4.2, RFC 9700 §2.1.1
        metadata.put("authorization_response_iss_parameter_supported", true); // RFC 9207 §3
        metadata.put("token_endpoint_auth_methods_supported", with(TOKEN_AUTH_METHODS, mtlsMethods));
        metadata.put("introspection_endpoint_auth_methods_supported", with(AUTH_METHODS, mtlsMethods));
        metadata.put("revocation_endpoint_auth_methods_supported", with(TOKEN_AUTH_METHODS, mtlsMethods));
        if (!mtlsMethods.isEmpty()) {
            // RFC 8705 §3.3; mTLS runs on the endpoints' own URLs, so no mtls_endpoint_aliases (§5).
            metadata.put("tls_client_certificate_bound_access_tokens", true);
        }
        metadata.put("token_endpoint_auth_signing_alg_values_supported", ASSERTION_ALGORITHMS);
        metadata.put("introspection_endpoint_auth_signing_alg_values_supported", ASSERTION_ALGORITHMS);
        metadata.put("revocation_endpoint_auth_signing_alg_values_supported", ASSERTION_ALGORITHMS);
        metadata.put("dpop_signing_alg_values_supported", ASSERTION_ALGORITHMS);   // RFC 9449 §5.1
        // OIDC Discovery §3
        metadata.put("scopes_supported", List.of("openid", "profile", "email", "offline_access"));
        metadata.put("subject_types_supported", List.of("public"));
        metadata.put("id_token_signing_alg_values_supported", UserFlows.ID_TOKEN_ALGORITHMS);
        metadata.put("claims_supported", List.of("iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "at_hash",
                "azp", "preferred_username", "email", "email_verified"));
        metadata.put("prompt_values_supported", List.of("none", "login", "consent"));
        metadata.put("request_parameter_supported", false);
        metadata.put("require_pushed_authorization_requests", requirePushed);      // RFC 9126 §5
        return metadata;
    }
}
