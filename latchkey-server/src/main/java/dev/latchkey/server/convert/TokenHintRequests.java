package dev.latchkey.server.convert;

import dev.latchkey.core.client.ClientCredentials;

/**
 * Introspection (RFC 7662 §2.1) and revocation (RFC 7009 §2.1) requests: both are a form with the
 * client's authentication, a {@code token} and an optional {@code token_type_hint}, no parameter repeated.
 */
public final class TokenHintRequests {

    /** What such a request asks about. {@link #toString()} hides the token. */
    public record TokenHintRequest(ClientCredentials credentials, String token, String tokenTypeHint) {
        @Override
        public String toString() {
            return "TokenHintRequest[client=" + credentials.clientId() + ", hint=" + tokenTypeHint + "]";
        }
    }

    private TokenHintRequests() {
    }

    public static TokenHintRequest parse(String authorization, Form form) {
        return parse(authorization, form, java.util.List.of());
    }

    /** @param audiences what a client assertion may be addressed to: the issuer and the endpoint */
    public static TokenHintRequest parse(String authorization, Form form, java.util.List<String> audiences) {
        form.requireNoRepeats();
        ClientCredentials credentials = ClientAuthentication.parse(authorization, form, audiences);
        return new TokenHintRequest(credentials, form.required("token"), form.single("token_type_hint"));
    }
}
