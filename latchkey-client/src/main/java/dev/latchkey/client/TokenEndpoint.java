package dev.latchkey.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Sends RFC 6749 token requests and reads the answers. Thread-safe. */
final class TokenEndpoint {

    /** A parsed response and the monotonic time it arrived at. */
    record Received(TokenResponse response, long nanos) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI uri;
    private final ClientAuthentication client;
    private final HttpClient http;
    private final TimeSource time;
    private final Duration timeout;

    TokenEndpoint(URI uri, ClientAuthentication client, HttpClient http, TimeSource time, Duration timeout) {
        this.uri = uri;
        this.client = client;
        this.http = http;
        this.time = time;
        this.timeout = timeout;
    }

    /** RFC 6749 §4.4.2. */
    Received clientCredentials(Set<String> scopes) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        putScope(form, scopes);
        return post(form);
    }

    /** RFC 6749 §6. */
    Received refresh(String refreshToken, Set<String> scopes) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        putScope(form, scopes);
        return post(form);
    }

    private static void putScope(Map<String, String> form, Set<String> scopes) {
        if (!scopes.isEmpty()) {
            form.put("scope", String.join(" ", scopes));
        }
    }

    private Received post(Map<String, String> form) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        switch (client.method()) {
            case CLIENT_SECRET_BASIC -> request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (encode(client.clientId()) + ":" + encode(client.clientSecret())).getBytes(StandardCharsets.UTF_8)));
            case CLIENT_SECRET_POST -> {
                form.put("client_id", client.clientId());
                form.put("client_secret", client.clientSecret());
            }
            case NONE -> form.put("client_id", client.clientId());
        }
        String body = form.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpResponse<String> response;
        try {
            response = http.send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TokenException("token endpoint " + uri + " unreachable (" + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenException("interrupted while requesting a token", e);
        }
        long nanos = time.nanoTime();
        Instant receivedAt = time.now();
        if (response.statusCode() == 200) {
            Instant date = response.headers().firstValue("Date").map(TokenEndpoint::httpDate).orElse(null);
            return new Received(TokenResponse.parse(response.body(), receivedAt, date), nanos);
        }
        throw error(response);
    }

    private TokenException error(HttpResponse<String> response) {
        try {
            JsonNode json = JSON.readTree(response.body());
            if (json != null && json.path("error").isTextual()) {
                JsonNode description = json.path("error_description");
                return new OAuthErrorException(response.statusCode(), json.get("error").textValue(),
                        description.isTextual() ? description.textValue() : null);
            }
        } catch (IOException notJson) {
            // fall through
        }
        return new TokenException("token endpoint " + uri + " answered HTTP " + response.statusCode()
                + " without an OAuth error");
    }

    private static Instant httpDate(String value) {
        try {
            return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
