package dev.latchkey.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a client keeps between requests and across restarts: the tokens and when, on the client's
 * clock, the access token was issued and expires. Serialized in the "credentials" shape
 * (seed 003): {@code {"access_token":...,"refresh_token":...,"issued_at":"2026-01-01T00:00:00Z",
 * "expires_in":3600,"token_type":"Bearer","scope":"read"}}. Prints no token.
 *
 * @param expiresAt null when the lifetime is unknown (the token is then queued for refresh)
 */
public record Credentials(String accessToken, String refreshToken, String tokenType, Set<String> scopes,
        Instant issuedAt, Instant expiresAt) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Credentials {
        scopes = Set.copyOf(scopes);
    }

    /**
     * The credentials a token response gives. RFC 6749 §6: a refresh response may omit the refresh
     * token, and then the one just used stays valid.
     */
    public static Credentials from(TokenResponse response, String refreshTokenUsed) {
        return new Credentials(response.accessToken(), response.refreshToken().orElse(refreshTokenUsed),
                response.tokenType(), response.scopes(), response.issuedAt().orElse(null),
                response.expiresAt().orElse(null));
    }

    public Optional<String> refreshTokenValue() {
        return Optional.ofNullable(refreshToken);
    }

    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("access_token", accessToken);
        if (refreshToken != null) {
            json.put("refresh_token", refreshToken);
        }
        if (issuedAt != null) {
            json.put("issued_at", DateTimeFormatter.ISO_INSTANT.format(issuedAt));
            if (expiresAt != null) {
                json.put("expires_in", Duration.between(issuedAt, expiresAt).toMillis() / 1000.0);
            }
        }
        json.put("token_type", tokenType);
        json.put("scope", String.join(" ", scopes));
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("credentials always serialize", e);
        }
    }

    /** @throws TokenResponseException if the text is not credentials */
    public static Credentials fromJson(String json) {
        TokenResponse stored = TokenResponse.parseStored(json);
        return new Credentials(stored.accessToken(), stored.refreshToken().orElse(null), stored.tokenType(),
                stored.scopes(), stored.issuedAt().orElse(null), stored.expiresAt().orElse(null));
    }

    @Override
    public String toString() {
        return "Credentials[type=" + tokenType + ", scopes=" + scopes + ", expiresAt=" + expiresAt
                + ", refreshToken=" + (refreshToken == null ? "none" : "present") + "]";
    }
}
