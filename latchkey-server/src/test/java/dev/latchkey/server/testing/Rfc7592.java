package dev.latchkey.server.testing;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/** RFC 7592 client management requests, as raw HTTP. */
public final class Rfc7592 {

    private Rfc7592() {
    }

    /** {@code PUT /oauth2/register/{id}} with the complete metadata (the client id added), as {@code bearer}. */
    public static HttpResponse<String> update(Endpoint server, TestClient client, String bearer,
            Map<String, Object> metadata) {
        Map<String, Object> body = new LinkedHashMap<>(metadata);
        body.put("client_id", client.id());
        return Http.send(HttpRequest.newBuilder(server.uri("/oauth2/register/" + client.id()))
                .header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(Http.toJson(body))).build());
    }

    /** The attack of issue 12, item 2: every member at once raised as far as the server allows. */
    public static Map<String, Object> everythingWidened() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("scope", "read admin root");
        metadata.put("grant_types", java.util.List.of("client_credentials", "refresh_token"));
        metadata.put("resources", java.util.List.of("https://bank.example/"));
        metadata.put("access_token_ttl", 86_400);
        metadata.put("refresh_token_ttl", 31_536_000);
        metadata.put("refresh_token_grace_seconds", 300);
        return metadata;
    }
}
