package dev.latchkey.server.convert;

import dev.latchkey.core.client.AuthMethod;
import dev.latchkey.core.assertion.ClientAssertions;
import dev.latchkey.core.client.ClientCredentials;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.secret.ClientSecret;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads client credentials from a request, RFC 6749 §2.3.1: HTTP Basic with the form-urlencoded
 * id and secret, or {@code client_id} and {@code client_secret} in the body. Using both is
 * {@code invalid_request} (§2.3: one method per request); anything unreadable or absent is
 * {@code invalid_client}, which the renderer answers with 401 and {@code WWW-Authenticate: Basic}.
 */
public final class ClientAuthentication {

    private ClientAuthentication() {
    }

    public static ClientCredentials parse(String authorization, Form form) {
        return parse(authorization, form, java.util.List.of());
    }

    /**
     * The same, also reading a client assertion (RFC 7523 §2.2: {@code client_assertion_type} and
     * {@code client_assertion}), which may be addressed to one of {@code audiences} (the issuer and
     * the endpoint's URL). An assertion with any other method in the same request is
     * {@code invalid_request} (RFC 6749 §2.3: one method per request).
     */
    public static ClientCredentials parse(String authorization, Form form, java.util.List<String> audiences) {
        String bodyId = form.single("client_id");
        String bodySecret = form.single("client_secret");
        String assertionType = form.single("client_assertion_type");
        String assertion = form.single("client_assertion");
        if (assertionType != null || assertion != null) {
            if (!ClientAssertions.TYPE.equals(assertionType) || assertion == null) {
                throw OAuthError.INVALID_CLIENT.toException("client_assertion_type must be " + ClientAssertions.TYPE
                        + ", with a client_assertion");
            }
            if (authorization != null || bodySecret != null) {
                throw OAuthError.INVALID_REQUEST.toException("the client authenticated twice: with a client_assertion"
                        + " and with a secret");
            }
            String subject = ClientAssertions.subject(assertion)
                    .orElseThrow(() -> OAuthError.INVALID_CLIENT.toException("client_assertion names no sub"));
            if (bodyId != null && !bodyId.equals(subject)) {
                throw OAuthError.INVALID_CLIENT.toException("client_id does not match the client_assertion's sub");
            }
            return ClientCredentials.assertion(subject, assertion, audiences);
        }
        if (authorization != null) {
            if (bodySecret != null) {
                throw OAuthError.INVALID_REQUEST.toException(
                        "the client authenticated twice: with Basic and with client_secret in the body");
            }
            ClientCredentials basic = basic(authorization);
            if (bodyId != null && !bodyId.equals(basic.clientId())) {
                throw OAuthError.INVALID_REQUEST.toException("client_id does not match the Authorization header");
            }
            return basic;
        }
        if (bodyId != null && bodySecret == null) {
            // RFC 6749 §2.3.1, §3.2.1: a public client names itself with client_id alone.
            return new ClientCredentials(bodyId, null, AuthMethod.NONE);
        }
        if (bodyId == null || bodySecret == null) {
            throw OAuthError.INVALID_CLIENT.toException("Client authentication is required");
        }
        return new ClientCredentials(bodyId, new ClientSecret(bodySecret), AuthMethod.CLIENT_SECRET_POST);
    }

    /**
     * The same, except that a request presenting no credentials at all (no Authorization header, no
     * client_id, client_secret or client assertion) is {@link ClientCredentials#ABSENT}: for the grant
     * that identifies its client itself (RFC 7523 §3.1, the JWT bearer grant).
     */
    public static ClientCredentials parseOptional(String authorization, Form form, java.util.List<String> audiences) {
        boolean none = authorization == null && form.single("client_id") == null && form.single("client_secret") == null
                && form.single("client_assertion") == null && form.single("client_assertion_type") == null;
        return none ? ClientCredentials.ABSENT : parse(authorization, form, audiences);
    }

    static ClientCredentials basic(String authorization) {
        String header = authorization.trim();
        int space = header.indexOf(' ');
        if (header.isEmpty() || space < 0 || !header.substring(0, space).equalsIgnoreCase("Basic")) {
            throw OAuthError.INVALID_CLIENT.toException("Authorization must use the Basic scheme");
        }
        String pair;
        try {
            byte[] decoded = Base64.getDecoder().decode(header.substring(space + 1).trim());
            pair = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(decoded)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw OAuthError.INVALID_CLIENT.toException("Basic credentials are not valid base64 of UTF-8");
        }
        int colon = pair.indexOf(':');
        if (colon <= 0) {
            throw OAuthError.INVALID_CLIENT.toException("Basic credentials must be client_id:client_secret");
        }
        try {
            // RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and encoded.
            String clientId = FormDecoder.decodeComponent(pair.substring(0, colon));
            String secret = FormDecoder.decodeComponent(pair.substring(colon + 1));
            return new ClientCredentials(clientId, new ClientSecret(secret), AuthMethod.CLIENT_SECRET_BASIC);
        } catch (RuntimeException e) {
            throw OAuthError.INVALID_CLIENT.toException("Basic credentials are not form-urlencoded");
        }
    }
}
