package dev.latchkey.server.web;

import dev.latchkey.server.render.Json;
import dev.latchkey.server.render.Reply;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /.well-known/oauth-authorization-server}, RFC 8414 §3. Describes exactly what this
 * server does: no authorization endpoint (so no response types), two grants, two client
 * authentication methods on every endpoint that authenticates clients.
 */
final class MetadataEndpoint {

    static final List<String> AUTH_METHODS = List.of("client_secret_basic", "client_secret_post");

    private final Reply document;

    MetadataEndpoint(String issuer) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("issuer", issuer);
        metadata.put("token_endpoint", issuer + Routes.TOKEN);
        metadata.put("jwks_uri", issuer + Routes.JWKS);
        metadata.put("registration_endpoint", issuer + Routes.REGISTER);
        // RFC 8414 §2 requires the member; with no authorization endpoint the exact answer is none.
        metadata.put("response_types_supported", List.of());
        metadata.put("grant_types_supported", List.of("client_credentials", "refresh_token"));
        metadata.put("token_endpoint_auth_methods_supported", AUTH_METHODS);
        metadata.put("introspection_endpoint", issuer + Routes.INTROSPECT);
        metadata.put("introspection_endpoint_auth_methods_supported", AUTH_METHODS);
        metadata.put("revocation_endpoint", issuer + Routes.REVOKE);
        metadata.put("revocation_endpoint_auth_methods_supported", AUTH_METHODS);
        this.document = new Reply(200, Map.of("Cache-Control", "public, max-age=300"), Json.bytes(metadata));
    }

    Reply handle(Router.Call call) {
        return document;
    }
}
