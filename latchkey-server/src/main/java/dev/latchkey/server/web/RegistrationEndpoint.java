package dev.latchkey.server.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.core.client.ClientLimits;
import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.client.ClientRegistrar;
import dev.latchkey.core.client.ClientSecret;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.token.Secrets;
import dev.latchkey.server.convert.RequestBodies;
import dev.latchkey.server.render.ClientResponses;
import dev.latchkey.server.render.Reply;
import java.io.IOException;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Dynamic client registration, RFC 7591 ({@code POST /oauth2/register} with the initial access
 * token) and its management, RFC 7592 ({@code GET/PUT/DELETE /oauth2/register/{client_id}} with
 * the client's registration access token).
 *
 * <p>Deviation from RFC 7592 §3: read and update answers omit {@code client_secret} and
 * {@code registration_access_token}, because the server keeps only their hashes; both stay valid.
 */
final class RegistrationEndpoint {

    /**
     * Built on the first registration, not at start: Jackson's data binding is slow to load.
     * Duplicate members and anything after the object are refused: one body, one reading.
     */
    private static final class Strict {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    private final RequestBodies bodies;
    private final ClientRegistrar registrar;
    private final ClientLimits limits;
    private final String initialAccessTokenHash;
    private final String registerUri;

    RegistrationEndpoint(RequestBodies bodies, ClientRegistrar registrar, ClientLimits limits,
            String initialAccessToken, String issuer) {
        this.bodies = bodies;
        this.registrar = registrar;
        this.limits = limits;
        this.initialAccessTokenHash = Secrets.hash(initialAccessToken);
        this.registerUri = issuer + Routes.REGISTER;
    }

    /** RFC 7591 §3.1. */
    Reply register(Router.Call call) {
        String token = bearer(call);
        if (!isInitialAccessToken(token)) {
            throw OAuthError.INVALID_TOKEN.toException("The initial access token is not valid");
        }
        ClientMetadata metadata = ClientMetadata.parse(json(call), limits);
        ClientRegistrar.Registration registration = registrar.register(metadata);
        return Reply.noStore(201, body(registration.client(), registration.secret(), registration.registrationAccessToken()));
    }

    /** RFC 7592 §2.1, with the client's registration access token or the initial access token. */
    Reply read(Router.Call call) {
        String token = bearer(call);
        RegisteredClient client = isInitialAccessToken(token) ? registrar.readAsRegistrant(call.pathParameter())
                : registrar.read(call.pathParameter(), token);
        return Reply.noStore(200, body(client, null, null));
    }

    /**
     * RFC 7592 §2.2: the request carries the complete metadata, including the client id. With the
     * client's own registration access token it may only keep or narrow what the client holds; the
     * initial access token (whoever registers clients) may also widen it.
     */
    Reply update(Router.Call call) {
        String clientId = call.pathParameter();
        String token = bearer(call);
        boolean registrant = isInitialAccessToken(token);
        RegisteredClient current = registrant ? registrar.readAsRegistrant(clientId) : registrar.read(clientId, token);
        Map<String, Object> json = json(call);
        if (!clientId.equals(json.get("client_id"))) {
            throw OAuthError.INVALID_CLIENT_METADATA.toException("client_id must be present and match the URI");
        }
        Object secret = json.get("client_secret");
        if (secret != null && !(secret instanceof String text && Secrets.matchesHash(text, current.secretHash()))) {
            throw OAuthError.INVALID_CLIENT_METADATA.toException("client_secret does not match the issued secret");
        }
        ClientMetadata metadata = ClientMetadata.parse(json, limits);
        RegisteredClient updated = registrant ? registrar.updateAsRegistrant(clientId, metadata)
                : registrar.update(clientId, token, metadata);
        return Reply.noStore(200, body(updated, null, null));
    }

    private boolean isInitialAccessToken(String token) {
        return Secrets.matchesHash(token, initialAccessTokenHash);
    }

    /** RFC 7592 §2.3. */
    Reply delete(Router.Call call) {
        registrar.delete(call.pathParameter(), bearer(call));
        return new Reply(204, Reply.NO_STORE, new byte[0]);
    }

    private Map<String, Object> body(RegisteredClient client, ClientSecret secret, String registrationToken) {
        return ClientResponses.body(client, secret, registrationToken, registerUri);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> json(Router.Call call) {
        byte[] body = bodies.json(call.header(HttpHeader.CONTENT_TYPE), call.body());
        try {
            Object parsed = Strict.MAPPER.readValue(body, Object.class);
            if (parsed instanceof Map<?, ?> map) {
                return (Map<String, Object>) map;
            }
        } catch (IOException e) {
            throw OAuthError.INVALID_CLIENT_METADATA.toException("the body is not valid JSON");
        }
        throw OAuthError.INVALID_CLIENT_METADATA.toException("the body must be a JSON object");
    }

    // RFC 6750 §2.1: Authorization: Bearer <token>.
    private static String bearer(Router.Call call) {
        String header = call.header(HttpHeader.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            throw OAuthError.INVALID_TOKEN.toException("A bearer token is required");
        }
        return header.substring(7).trim();
    }
}
