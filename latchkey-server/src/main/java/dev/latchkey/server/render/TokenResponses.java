package dev.latchkey.server.render;

import dev.latchkey.core.grant.GrantResult;
import dev.latchkey.core.token.IssuedTokens;
import dev.latchkey.core.token.RefreshToken;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders issued tokens in the client's response profile. The default, {@code rfc6749}, is RFC 6749
 * §5.1 plus {@code created_at} (epoch seconds), as several APIs' SDKs expect:
 * <pre>{"access_token":"eyJ...","token_type":"Bearer","expires_in":3600,
 *  "refresh_token":"8xLO...","scope":"read write","created_at":1767225600}</pre>
 */
public final class TokenResponses {

    private TokenResponses() {
    }

    public static void render(Context ctx, GrantResult result) {
        Json.noStore(ctx);
        Json.write(ctx, 200, body(result));
    }

    public static Map<String, Object> body(GrantResult result) {
        return switch (result.client().metadata().responseProfile()) {
            case RFC6749 -> rfc6749(result.tokens());
        };
    }

    private static Map<String, Object> rfc6749(IssuedTokens tokens) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", tokens.accessToken().value());
        // RFC 6750 §6.1.1 registers the type as "Bearer"; RFC 6749 §5.1 makes it case-insensitive.
        body.put("token_type", "Bearer");
        body.put("expires_in", tokens.expiresIn());
        tokens.refreshToken().map(RefreshToken::value).ifPresent(value -> body.put("refresh_token", value));
        if (!tokens.scope().isEmpty()) {
            body.put("scope", tokens.scope().toString());
        }
        body.put("created_at", tokens.issuedAt().getEpochSecond());
        return body;
    }
}
