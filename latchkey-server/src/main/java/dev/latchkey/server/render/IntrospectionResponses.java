package dev.latchkey.server.render;

import dev.latchkey.core.token.Introspection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The introspection response, RFC 7662 §2.2: {@code {"active":false}} alone for anything inactive,
 * else the token's members, never cached:
 * <pre>{"active":true,"scope":"read","client_id":"c1","token_type":"Bearer","exp":1767229200,
 *  "iat":1767225600,"sub":"c1","aud":"https://api.example/","iss":"https://as.example","jti":"..."}</pre>
 */
public final class IntrospectionResponses {

    private IntrospectionResponses() {
    }

    public static Reply reply(Introspection result) {
        return Reply.noStore(200, body(result));
    }

    static Map<String, Object> body(Introspection result) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("active", result.isActive());
        if (!result.isActive()) {
            return body;
        }
        putIfPresent(body, "scope", result.scope());
        putIfPresent(body, "client_id", result.clientId());
        putIfPresent(body, "token_type", result.tokenType());
        body.put("exp", result.expiresAt().getEpochSecond());
        body.put("iat", result.issuedAt().getEpochSecond());
        putIfPresent(body, "sub", result.subject());
        putIfPresent(body, "username", result.username());
        if (!result.audience().isEmpty()) {
            body.put("aud", result.audience().size() == 1 ? result.audience().get(0) : result.audience());
        }
        putIfPresent(body, "iss", result.issuer());
        putIfPresent(body, "jti", result.jti());
        if (result.confirmation() != null) {
            body.put("cnf", result.confirmation().claim()); // RFC 9449 §6.2, RFC 8705 §3.2
        }
        if (result.act() != null) {
            body.put("act", result.act()); // RFC 8693 §4.1
        }
        return body;
    }

    private static void putIfPresent(Map<String, Object> body, String name, Object value) {
        if (value != null) {
            body.put(name, value);
        }
    }
}
