package dev.latchkey.client;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;

/**
 * Sends requests with {@code Authorization: Bearer <token>} from a {@link TokenManager}. When a
 * resource server answers 401 with {@code WWW-Authenticate: Bearer error="invalid_token"}
 * (RFC 6750 §3.1), it tells the manager the token was rejected, which refreshes only if that token
 * is still the current one (so fifty requests rejected with one token cause one refresh), and
 * sends the request once more. Request bodies must therefore be replayable, as the JDK's
 * {@link HttpRequest.BodyPublishers} are. Thread-safe.
 *
 * <pre>{@code
 * AuthorizedHttpClient api = new AuthorizedHttpClient(HttpClient.newHttpClient(), tokens);
 * HttpResponse<String> r = api.send(HttpRequest.newBuilder(uri).GET().build(), BodyHandlers.ofString());
 * }</pre>
 */
public final class AuthorizedHttpClient {

    private final HttpClient http;
    private final TokenManager tokens;

    public AuthorizedHttpClient(HttpClient http, TokenManager tokens) {
        this.http = http;
        this.tokens = tokens;
    }

    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        String token = tokens.getAccessToken();
        HttpResponse<T> response = http.send(withToken(request, token), handler);
        if (response.statusCode() != 401 || !rejectsToken(response.headers())) {
            return response;
        }
        tokens.invalidate(token);
        return http.send(withToken(request, tokens.getAccessToken()), handler);
    }

    private static HttpRequest withToken(HttpRequest request, String token) {
        return HttpRequest.newBuilder(request, (name, value) -> !name.equalsIgnoreCase("Authorization"))
                .header("Authorization", "Bearer " + token)
                .build();
    }

    /** RFC 6750 §3: a Bearer challenge with {@code error="invalid_token"}. */
    static boolean rejectsToken(HttpHeaders headers) {
        return headers.allValues("WWW-Authenticate").stream()
                .map(value -> value.toLowerCase(Locale.ROOT))
                .anyMatch(value -> value.startsWith("bearer")
                        && value.replace(" ", "").contains("error=\"invalid_token\""));
    }
}
