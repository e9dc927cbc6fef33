package dev.latchkey.server.render;

import dev.latchkey.core.decision.GrantResult;
import dev.latchkey.core.secret.RefreshToken;
import dev.latchkey.core.token.IssuedTokens;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders issued tokens in the client's {@link dev.latchkey.core.client.ResponseProfile}. Each
 * profile reproduces one token shape exactly; examples for a token issued at 2026-01-01T00:00:00Z
 * with a one-hour lifetime:
 * <pre>
 * rfc6749                {"access_token":"eyJ...","token_type":"Bearer","expires_in":3600,
 *                         "refresh_token":"8xLO...","scope":"read write","created_at":1767225600}
 * float_ttl_datetime     {"access_token":"eyJ...","token_type":"bearer","expires_in":3600.0,
 *                         "refresh_token":"8xLO...","created_at":"2026-01-01T00:00:00Z","scope":"read write"}
 * camel_case             {"accessToken":"eyJ...","tokenType":"Bearer","expiresIn":3600,
 *                         "createdAt":1767225600,"refreshToken":"8xLO...","scope":"read write"}
 * credentials_issued_at  {"refresh_token":"8xLO...","access_token":"eyJ...",
 *                         "issued_at":"2026-01-01T00:00:00Z","expires_in":3600}
 * absolute_expiry        {"token_type":"jwt","access_token":"eyJ...","refresh_token":"8xLO...",
 *                         "expires_in":1767229200,"scope":"read write"}
 * </pre>
 * Members a token does not have (no refresh token, empty scope) are left out, except in
 * {@code absolute_expiry}, whose every member is required.
 */
public final class TokenResponses {

    private TokenResponses() {
    }

    public static Reply reply(GrantResult result) {
        return Reply.noStore(200, body(result));
    }

    /** RFC 8693 §2.2.1: the answer to a token exchange names what was issued ({@code issued_token_type}). */
    public static Reply exchanged(GrantResult result) {
        Map<String, Object> body = body(result);
        body.put("issued_token_type", dev.latchkey.core.grant.TokenExchangeGrant.ACCESS_TOKEN_TYPE);
        return Reply.noStore(200, body);
    }

    public static Map<String, Object> body(GrantResult result) {
        IssuedTokens tokens = result.tokens();
        Map<String, Object> body = switch (result.client().metadata().responseProfile()) {
            case RFC6749 -> rfc6749(tokens);
            case FLOAT_TTL_DATETIME -> floatTtlDatetime(tokens);
            case CAMEL_CASE -> camelCase(tokens);
            case CREDENTIALS_ISSUED_AT -> credentialsIssuedAt(tokens);
            case ABSOLUTE_EXPIRY -> absoluteExpiry(tokens);
        };
        // OIDC Core §3.1.3.3: the id_token member, in every profile (its name is the standard's).
        tokens.idToken().ifPresent(idToken -> body.put("id_token", idToken));
        return body;
    }

    private static Map<String, Object> rfc6749(IssuedTokens tokens) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", tokens.accessToken().value());
        // RFC 6750 §6.1.1 registers the type as "Bearer"; RFC 6749 §5.1 makes it case-insensitive.
        // RFC 9449 §5: "DPoP" for a DPoP-bound token.
        body.put("token_type", tokens.tokenType());
        body.put("expires_in", tokens.expiresIn());
        putRefreshToken(body, "refresh_token", tokens);
        putScope(body, "scope", tokens);
        body.put("created_at", tokens.issuedAt().getEpochSecond());
        return body;
    }

    private static Map<String, Object> floatTtlDatetime(IssuedTokens tokens) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", tokens.accessToken().value());
        body.put("token_type", tokens.confirmation() != null && tokens.confirmation().isDpop() ? "DPoP" : "bearer");
        body.put("expires_in", (double) tokens.expiresIn());
        putRefreshToken(body, "refresh_token", tokens);
        body.put("created_at", datetime(tokens.issuedAt()));
        putScope(body, "scope", tokens);
        return body;
    }

    private static Map<String, Object> camelCase(IssuedTokens tokens) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accessToken", tokens.accessToken().value());
        body.put("tokenType", tokens.tokenType());
        body.put("expiresIn", tokens.expiresIn());
        body.put("createdAt", tokens.issuedAt().getEpochSecond());
        putRefreshToken(body, "refreshToken", tokens);
        putScope(body, "scope", tokens);
        return body;
    }

    private static Map<String, Object> credentialsIssuedAt(IssuedTokens tokens) {
        Map<String, Object> body = new LinkedHashMap<>();
        putRefreshToken(body, "refresh_token", tokens);
        body.put("access_token", tokens.accessToken().value());
        body.put("issued_at", datetime(tokens.issuedAt()));
        body.put("expires_in", tokens.expiresIn());
        return body;
    }

    private static Map<String, Object> absoluteExpiry(IssuedTokens tokens) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token_type", tokens.format().wireName());
        body.put("access_token", tokens.accessToken().value());
        // Registration requires refresh_token for this profile, so the token is always there.
        body.put("refresh_token", tokens.refreshToken().map(RefreshToken::value).orElse(""));
        body.put("expires_in", tokens.expiresAt().getEpochSecond());
        body.put("scope", tokens.scope().toString());
        return body;
    }

    private static void putRefreshToken(Map<String, Object> body, String name, IssuedTokens tokens) {
        tokens.refreshToken().map(RefreshToken::value).ifPresent(value -> body.put(name, value));
    }

    private static void putScope(Map<String, Object> body, String name, IssuedTokens tokens) {
        if (!tokens.scope().isEmpty()) {
            body.put(name, tokens.scope().toString());
        }
    }

    private static String datetime(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant);
    }
}
