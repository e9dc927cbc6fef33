package dev.latchkey.server.render;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The authorization server metadata, RFC 8414 §2. Describes exactly what this server does: no
 * authorization endpoint (so no response types), two grants, two client authentication methods on
 * every endpoint that authenticates clients.
 */
public final class ServerMetadata {

    static final List<String> AUTH_METHODS = List.of("client_secret_basic", "client_secret_post");

    private ServerMetadata() {
    }

    /** @param endpoints the absolute URIs, by member name ({@code token_endpoint}, ...) */
    public static Reply reply(String issuer, Map<String, String> endpoints) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("issuer", issuer);
        metadata.putAll(endpoints);
        // RFC 8414 §2 requires the member; with no authorization endpoint the exact answer is none.
        metadata.put("response_types_supported", List.of());
        metadata.put("grant_types_supported", List.of("client_credentials", "refresh_token"));
        metadata.put("token_endpoint_auth_methods_supported", AUTH_METHODS);
        metadata.put("introspection_endpoint_auth_methods_supported", AUTH_METHODS);
        metadata.put("revocation_endpoint_auth_methods_supported", AUTH_METHODS);
        return new Reply(200, Map.of("Cache-Control", "public, max-age=300"), Json.bytes(metadata));
    }
}
