package dev.latchkey.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A token response as any OAuth 2.0 server writes it: RFC 6749 §5.1 and the variations real APIs
 * use. Immutable and thread-safe; {@link #toString()} never shows a token.
 *
 * <p>Read, whatever their spelling ({@code snake_case} or {@code camelCase}):
 * <ul>
 *   <li>{@code access_token} (required) and {@code refresh_token};</li>
 *   <li>{@code token_type}: {@code Bearer}, {@code bearer}, {@code opaque}, {@code jwt} or absent
 *       ({@code Bearer} then);</li>
 *   <li>{@code scope}: space-delimited, read as a set;</li>
 *   <li>{@code expires_in}: an integer or fractional number. <b>Rule:</b> a value of 1,000,000,000
 *       or more is an absolute Unix timestamp (as some APIs send), a smaller one a lifetime in
 *       seconds. No real lifetime is 31 years, and no absolute time is before September 2001;</li>
 *   <li>{@code created_at} or {@code issued_at}: epoch seconds (integer or fractional; values of
 *       100,000,000,000 or more are taken as milliseconds) or an ISO-8601 datetime
 *       ({@code 2020-01-01T00:00:00Z}, with an offset, without one (UTC), or a bare date).</li>
 * </ul>
 * Members it does not know are kept ({@link #additionalFields()}).
 *
 * <p><b>Time.</b> {@link #issuedAt()} and {@link #expiresAt()} are on the <em>client's</em> clock.
 * When the server says when it issued the token (an absolute {@code created_at}) or sends a
 * {@code Date} header, the difference to the time the response was received is the server's
 * {@linkplain #clockSkew() clock skew}, and server times are moved by it:
 * {@code clientTime = serverTime - skew}. (A server 60 s ahead reports an expiry 60 s later than
 * it falls on our clock; adding the skew instead is the sign error that makes clients use expired
 * tokens.) Without a server time, a relative lifetime counts from the time of receipt. Without a
 * receipt time (stored credentials) and without an issue time, a relative lifetime is of unknown
 * start: {@link #expiresAt()} is then empty and the token is "queued for refresh".
 *
 * <p>Example (seed 004 style):
 * <pre>{"token_type":"jwt","access_token":"eyJ...","refresh_token":"...","expires_in":1736964352,
 *  "scope":"/accounts.read /accounts.write"}</pre>
 */
public final class TokenResponse {

    /** {@code expires_in} at or above this is an absolute Unix time, below it a lifetime. */
    public static final long ABSOLUTE_EXPIRY_THRESHOLD = 1_000_000_000L;
    private static final BigDecimal MILLIS_THRESHOLD = BigDecimal.valueOf(100_000_000_000L);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KNOWN = Set.of("access_token", "accessToken", "token_type", "tokenType",
            "expires_in", "expiresIn", "refresh_token", "refreshToken", "scope", "created_at", "createdAt",
            "issued_at", "issuedAt");

    private final String accessToken;
    private final String tokenType;
    private final String refreshToken;
    private final Set<String> scopes;
    private final Instant issuedAt;
    private final Instant expiresAt;
    private final Duration clockSkew;
    private final Instant receivedAt;
    private final Map<String, Object> additionalFields;

    private TokenResponse(String accessToken, String tokenType, String refreshToken, Set<String> scopes,
            Instant issuedAt, Instant expiresAt, Duration clockSkew, Instant receivedAt,
            Map<String, Object> additionalFields) {
        this.accessToken = accessToken;
        this.tokenType = tokenType;
        this.refreshToken = refreshToken;
        this.scopes = scopes;
        this.issuedAt = issuedAt;
        this.expiresAt = expiresAt;
        this.clockSkew = clockSkew;
        this.receivedAt = receivedAt;
        this.additionalFields = additionalFields;
    }

    /**
     * Parses a token endpoint's answer.
     *
     * @param receivedAt when the response arrived, on the client's clock
     * @throws TokenResponseException if the text is not a JSON object with an {@code access_token}
     *                                or a member has the wrong type
     */
    public static TokenResponse parse(String json, Instant receivedAt) {
        return parse(json, receivedAt, null);
    }

    /**
     * As {@link #parse(String, Instant)}, with the response's {@code Date} header (RFC 9110 §6.6.1)
     * as a second source of the server's clock when the body has no absolute issue time.
     */
    public static TokenResponse parse(String json, Instant receivedAt, Instant serverDate) {
        if (json == null) {
            throw new TokenResponseException("token response is empty");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new TokenResponseException("token response is not valid JSON (at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new TokenResponseException("token response is not a JSON object");
        }
        String accessToken = text(root, "access_token", "accessToken");
        if (accessToken == null || accessToken.isEmpty()) {
            throw new TokenResponseException("token response has no access_token");
        }
        String tokenType = Optional.ofNullable(text(root, "token_type", "tokenType")).orElse("Bearer");
        String refreshToken = text(root, "refresh_token", "refreshToken");
        String scope = text(root, "scope", "scope");
        Set<String> scopes = new LinkedHashSet<>();
        if (scope != null) {
            for (String token : scope.trim().split(" +")) {
                if (!token.isEmpty()) {
                    scopes.add(token);
                }
            }
        }

        try {
            return build(root, accessToken, tokenType, refreshToken, scopes, receivedAt, serverDate);
        } catch (ArithmeticException | java.time.DateTimeException e) {
            throw new TokenResponseException("a time in the token response is out of range");
        }
    }

    private static TokenResponse build(JsonNode root, String accessToken, String tokenType, String refreshToken,
            Set<String> scopes, Instant receivedAt, Instant serverDate) {
        Instant serverIssuedAt = time(root, "created_at", "createdAt");
        if (serverIssuedAt == null) {
            serverIssuedAt = time(root, "issued_at", "issuedAt");
        }
        Duration skew = Duration.ZERO;
        if (receivedAt != null && serverIssuedAt != null) {
            skew = Duration.between(receivedAt, serverIssuedAt);
        } else if (receivedAt != null && serverDate != null) {
            skew = Duration.between(receivedAt, serverDate);
        }
        // clientTime = serverTime - skew
        Instant issuedAt = serverIssuedAt != null ? serverIssuedAt.minus(skew) : receivedAt;
        BigDecimal expiresIn = number(root, "expires_in", "expiresIn");
        Instant expiresAt = null;
        if (expiresIn != null) {
            if (expiresIn.compareTo(BigDecimal.valueOf(ABSOLUTE_EXPIRY_THRESHOLD)) >= 0) {
                expiresAt = epoch(expiresIn).minus(skew);
            } else if (issuedAt != null) {
                expiresAt = issuedAt.plus(seconds(expiresIn));
            }
        }

        Map<String, Object> additional = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = root.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!KNOWN.contains(field.getKey())) {
                additional.put(field.getKey(), JSON.convertValue(field.getValue(), Object.class));
            }
        }
        return new TokenResponse(accessToken, tokenType, refreshToken, Collections.unmodifiableSet(scopes), issuedAt,
                expiresAt, skew, receivedAt, Collections.unmodifiableMap(additional));
    }

    /**
     * Parses stored credentials (seed 003's shape), whose time of receipt is unknown: without an
     * {@code issued_at} a relative lifetime cannot be placed, and the token is queued for refresh.
     */
    public static TokenResponse parseStored(String json) {
        return parse(json, null, null);
    }

    public String accessToken() {
        return accessToken;
    }

    /** The {@code token_type} as sent, or {@code Bearer} when absent. */
    public String tokenType() {
        return tokenType;
    }

    /**
     * True for the types sent as {@code Authorization: Bearer}: {@code Bearer} in any case
     * (RFC 6749 §5.1 makes it case-insensitive) and the {@code opaque} and {@code jwt} of APIs that
     * name the token's format there.
     */
    public boolean isBearer() {
        String type = tokenType.toLowerCase(java.util.Locale.ROOT);
        return type.equals("bearer") || type.equals("opaque") || type.equals("jwt");
    }

    public Optional<String> refreshToken() {
        return Optional.ofNullable(refreshToken);
    }

    public Set<String> scopes() {
        return scopes;
    }

    /** When the token was issued, on the client's clock; empty only for stored credentials without one. */
    public Optional<Instant> issuedAt() {
        return Optional.ofNullable(issuedAt);
    }

    /** When the token expires, on the client's clock; empty when unknown (then: queued for refresh). */
    public Optional<Instant> expiresAt() {
        return Optional.ofNullable(expiresAt);
    }

    /** When the response was received, as given to {@link #parse(String, Instant)}. */
    public Optional<Instant> receivedAt() {
        return Optional.ofNullable(receivedAt);
    }

    /** Server clock minus client clock, as estimated from this response; zero when it cannot be. */
    public Duration clockSkew() {
        return clockSkew;
    }

    /** True when the lifetime is unknown: use the token, but refresh at the next opportunity. */
    public boolean isQueuedForRefresh() {
        return expiresAt == null;
    }

    /** Members this class does not interpret, as JSON values (maps, lists, strings, numbers, booleans). */
    public Map<String, Object> additionalFields() {
        return additionalFields;
    }

    public Optional<Object> field(String name) {
        return Optional.ofNullable(additionalFields.get(name));
    }

    @Override
    public String toString() {
        return "TokenResponse[type=" + tokenType + ", scopes=" + scopes + ", expiresAt=" + expiresAt
                + ", refreshToken=" + (refreshToken == null ? "none" : "present") + "]";
    }

    private static JsonNode member(JsonNode root, String snake, String camel) {
        JsonNode node = root.get(snake);
        if (node == null || node.isNull()) {
            node = root.get(camel);
        }
        return node == null || node.isNull() ? null : node;
    }

    private static String text(JsonNode root, String snake, String camel) {
        JsonNode node = member(root, snake, camel);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            throw new TokenResponseException(snake + " must be a string");
        }
        return node.textValue();
    }

    private static BigDecimal number(JsonNode root, String snake, String camel) {
        JsonNode node = member(root, snake, camel);
        if (node == null) {
            return null;
        }
        if (node.isNumber()) {
            return decimal(node, snake);
        }
        if (node.isTextual()) {
            try {
                return new BigDecimal(node.textValue().trim());
            } catch (NumberFormatException e) {
                throw new TokenResponseException(snake + " must be a number");
            }
        }
        throw new TokenResponseException(snake + " must be a number");
    }

    // Jackson reads 1e400 as an infinite double, which has no decimal value.
    private static BigDecimal decimal(JsonNode node, String name) {
        try {
            return node.decimalValue();
        } catch (NumberFormatException e) {
            throw new TokenResponseException(name + " is out of range");
        }
    }

    private static Instant time(JsonNode root, String snake, String camel) {
        JsonNode node = member(root, snake, camel);
        if (node == null) {
            return null;
        }
        if (node.isNumber()) {
            BigDecimal value = decimal(node, snake);
            return value.compareTo(MILLIS_THRESHOLD) >= 0 ? epoch(value.movePointLeft(3)) : epoch(value);
        }
        if (!node.isTextual()) {
            throw new TokenResponseException(snake + " must be a datetime or a number");
        }
        String text = node.textValue().trim();
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notOffset) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notLocal) {
                try {
                    return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notDate) {
                    try {
                        return epoch(new BigDecimal(text));
                    } catch (NumberFormatException notNumber) {
                        throw new TokenResponseException(snake + " is neither an ISO-8601 datetime nor a number");
                    }
                }
            }
        }
    }

    private static Instant epoch(BigDecimal seconds) {
        BigDecimal whole = seconds.setScale(0, java.math.RoundingMode.FLOOR);
        long nanos = seconds.subtract(whole).movePointRight(9).longValue();
        return Instant.ofEpochSecond(whole.longValueExact(), nanos);
    }

    private static Duration seconds(BigDecimal seconds) {
        if (seconds.signum() < 0) {
            throw new TokenResponseException("expires_in must not be negative");
        }
        BigDecimal whole = seconds.setScale(0, java.math.RoundingMode.FLOOR);
        return Duration.ofSeconds(whole.longValueExact(), seconds.subtract(whole).movePointRight(9).longValue());
    }
}
