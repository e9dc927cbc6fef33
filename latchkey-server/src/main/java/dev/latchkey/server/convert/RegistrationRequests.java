package dev.latchkey.server.convert;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.core.error.OAuthError;
import java.io.IOException;
import java.util.Map;

/**
 * Registration requests (RFC 7591 §3.1, RFC 7592 §2): the bearer token of the {@code Authorization}
 * header (RFC 6750 §2.1) and the JSON object of the body. What they may do is the registrar's to decide.
 */
public final class RegistrationRequests {

    /**
     * Built on the first registration, not at start: Jackson's data binding is slow to load.
     * Duplicate members and anything after the object are refused: one body, one reading.
     */
    private static final class Strict {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    private RegistrationRequests() {
    }

    /** RFC 6750 §2.1: {@code Authorization: Bearer <token>}; anything else is {@code invalid_token}. */
    public static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.length() <= 7) {
            throw OAuthError.INVALID_TOKEN.toException("A bearer token is required");
        }
        return authorization.substring(7).trim();
    }

    /** The body as a JSON object, once its media type is checked. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> json(RequestBodies bodies, String contentType, byte[] body) {
        byte[] json = bodies.json(contentType, body);
        try {
            Object parsed = Strict.MAPPER.readValue(json, Object.class);
            if (parsed instanceof Map<?, ?> map) {
                return (Map<String, Object>) map;
            }
        } catch (IOException e) {
            throw OAuthError.INVALID_CLIENT_METADATA.toException("the body is not valid JSON");
        }
        throw OAuthError.INVALID_CLIENT_METADATA.toException("the body must be a JSON object");
    }
}
