package dev.latchkey.client;

import java.util.Objects;

/**
 * How the client authenticates at the token endpoint (RFC 6749 §2.3.1): HTTP Basic, credentials in
 * the body, or none (a public client that only sends its {@code client_id}). Prints no secret.
 */
public record ClientAuthentication(String clientId, String clientSecret, Method method) {

    public enum Method {
        /** {@code Authorization: Basic} with the form-urlencoded id and secret. */
        CLIENT_SECRET_BASIC,
        /** {@code client_id} and {@code client_secret} in the form body. */
        CLIENT_SECRET_POST,
        /** Only {@code client_id} in the body. */
        NONE
    }

    public ClientAuthentication {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(method, "method");
        if (method != Method.NONE) {
            Objects.requireNonNull(clientSecret, "clientSecret");
        }
    }

    public static ClientAuthentication basic(String clientId, String clientSecret) {
        return new ClientAuthentication(clientId, clientSecret, Method.CLIENT_SECRET_BASIC);
    }

    public static ClientAuthentication post(String clientId, String clientSecret) {
        return new ClientAuthentication(clientId, clientSecret, Method.CLIENT_SECRET_POST);
    }

    public static ClientAuthentication none(String clientId) {
        return new ClientAuthentication(clientId, null, Method.NONE);
    }

    @Override
    public String toString() {
        return "ClientAuthentication[clientId=" + clientId + ", method=" + method + "]";
    }
}
