package dev.latchkey.server.convert;

import dev.latchkey.core.client.ClientCredentials;
import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.grant.AuthorizationCodeGrant;
import dev.latchkey.core.grant.ClientCredentialsGrant;
import dev.latchkey.core.grant.DeviceCodeGrant;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.grant.GrantRequest;
import dev.latchkey.core.grant.RefreshTokenGrant;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.RefreshToken;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/** Turns a token endpoint form (RFC 6749 §4.1.3, §4.4.2, §6; RFC 7636 §4.5; RFC 8707 §2) into a typed {@link TokenRequest}. */
public final class TokenRequests {

    /** A whole token endpoint request: who the client says it is, and what it asks for. */
    public record TokenRequest(ClientCredentials credentials, GrantRequest grant) {
    }

    private TokenRequests() {
    }

    public static TokenRequest parse(String authorization, Form form) {
        return parse(authorization, form, java.util.List.of());
    }

    /** @param audiences what a client assertion may be addressed to: the issuer and the token endpoint */
    public static TokenRequest parse(String authorization, Form form, java.util.List<String> audiences) {
        form.requireNoRepeats("resource");
        String grantType = form.required("grant_type");
        Optional<Scope> scope = Optional.ofNullable(form.single("scope"))
                .map(value -> Scope.parse(value, OAuthError.INVALID_SCOPE));
        List<URI> resources = form.all("resource").stream()
                .map(value -> ClientMetadata.resourceUri(value, OAuthError.INVALID_TARGET))
                .toList();
        GrantRequest grant = switch (grantType) {
            case "client_credentials" -> new ClientCredentialsGrant(scope, resources);
            case "refresh_token" -> new RefreshTokenGrant(new RefreshToken(form.required("refresh_token")), scope,
                    resources);
            case "authorization_code" -> new AuthorizationCodeGrant(TokenHash.of(form.required("code")),
                    form.single("redirect_uri"), Optional.ofNullable(form.single("code_verifier")), resources);
            case "urn:ietf:params:oauth:grant-type:device_code" ->
                    new DeviceCodeGrant(TokenHash.of(form.required("device_code")));
            default -> throw OAuthError.UNSUPPORTED_GRANT_TYPE.toException("grant_type must be client_credentials,"
                    + " refresh_token, authorization_code or urn:ietf:params:oauth:grant-type:device_code");
        };
        return new TokenRequest(ClientAuthentication.parse(authorization, form, audiences), grant);
    }
}
