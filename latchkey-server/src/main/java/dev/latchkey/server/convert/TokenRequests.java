package dev.latchkey.server.convert;

import dev.latchkey.core.client.ClientCredentials;
import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.grant.AuthorizationCodeGrant;
import dev.latchkey.core.grant.ClientCredentialsGrant;
import dev.latchkey.core.grant.DeviceCodeGrant;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.grant.GrantRequest;
import dev.latchkey.core.grant.JwtBearerGrant;
import dev.latchkey.core.grant.RefreshTokenGrant;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.RefreshToken;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Turns a token endpoint form (RFC 6749 §4.1.3, §4.4.2, §6; RFC 7636 §4.5; RFC 8707 §2; RFC 8628 §3.4;
 * RFC 8693 §2.1; RFC 7523 §2.1) into a typed {@link TokenRequest}.
 */
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
            case dev.latchkey.core.grant.TokenExchangeGrant.GRANT_TYPE -> exchange(form, scope, resources);
            case JwtBearerGrant.GRANT_TYPE -> new JwtBearerGrant(form.required("assertion"), scope, resources);
            default -> throw OAuthError.UNSUPPORTED_GRANT_TYPE.toException("grant_type must be client_credentials,"
                    + " refresh_token, authorization_code, urn:ietf:params:oauth:grant-type:device_code,"
                    + " urn:ietf:params:oauth:grant-type:token-exchange or urn:ietf:params:oauth:grant-type:jwt-bearer");
        };
        // RFC 7523 §3.1: with the JWT bearer grant, client authentication is optional.
        return new TokenRequest(grant instanceof JwtBearerGrant
                ? ClientAuthentication.parseOptional(authorization, form, audiences)
                : ClientAuthentication.parse(authorization, form, audiences), grant);
    }

    /**
     * RFC 8693 §2.1: access tokens of this server, or trusted issuers' JWTs, in (subject, optional
     * actor); an access token out.
     */
    private static dev.latchkey.core.grant.TokenExchangeGrant exchange(Form form, Optional<Scope> scope,
            List<URI> resources) {
        String subject = form.required("subject_token");
        String subjectType = presentedType(form.required("subject_token_type"), "subject_token_type");
        String actor = form.single("actor_token");
        String actorType = form.single("actor_token_type");
        if ((actor == null) != (actorType == null)) {
            throw OAuthError.INVALID_REQUEST.toException("actor_token and actor_token_type go together");
        }
        if (actorType != null) {
            presentedType(actorType, "actor_token_type");
        }
        String access = dev.latchkey.core.grant.TokenExchangeGrant.ACCESS_TOKEN_TYPE;
        String requested = form.single("requested_token_type");
        if (requested != null && !access.equals(requested)) {
            throw OAuthError.INVALID_REQUEST.toException("requested_token_type must be " + access
                    + ": only access tokens are issued");
        }
        return new dev.latchkey.core.grant.TokenExchangeGrant(subject, subjectType, actor, actorType,
                form.all("audience"), scope, resources);
    }

    private static String presentedType(String type, String member) {
        if (!dev.latchkey.core.grant.TokenExchangeGrant.PRESENTED_TYPES.contains(type)) {
            throw OAuthError.INVALID_REQUEST.toException(member + " must be one of "
                    + String.join(", ", dev.latchkey.core.grant.TokenExchangeGrant.PRESENTED_TYPES));
        }
        return type;
    }
}
