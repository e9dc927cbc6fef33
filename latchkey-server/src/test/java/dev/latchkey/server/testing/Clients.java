package dev.latchkey.server.testing;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Registering test clients over RFC 7591 on any {@link Endpoint}. */
public final class Clients {

    private Clients() {
    }

    public static TestClient register(Endpoint server, String initialAccessToken, Map<String, Object> metadata) {
        HttpResponse<String> response = Http.send(HttpRequest.newBuilder(server.uri("/oauth2/register"))
                .header("Authorization", "Bearer " + initialAccessToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Http.toJson(metadata)))
                .build());
        if (response.statusCode() != 201) {
            throw new AssertionError("registration failed: " + response.statusCode() + " " + response.body());
        }
        Map<String, Object> body = Http.json(response);
        return new TestClient((String) body.get("client_id"), (String) body.get("client_secret"),
                (String) body.get("registration_access_token"), body);
    }

    /** Metadata of a client_credentials + refresh_token client with scopes "read write", plus overrides. */
    public static Map<String, Object> refreshClient(Map<String, Object> overrides) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("grant_types", List.of("client_credentials", "refresh_token"));
        metadata.put("scope", "read write");
        metadata.putAll(overrides);
        return metadata;
    }
}
