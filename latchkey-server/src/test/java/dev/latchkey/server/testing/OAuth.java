package dev.latchkey.server.testing;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Token;
import com.nimbusds.oauth2.sdk.token.TypelessAccessToken;

/** The protocol steps tests repeat, spoken through the Nimbus OAuth 2.0 SDK as an independent client. */
public final class OAuth {

    private OAuth() {
    }

    public static TokenResponse token(Endpoint server, TestClient client, AuthorizationGrant grant, Scope scope)
            throws Exception {
        return TokenResponse.parse(new TokenRequest.Builder(server.tokenEndpoint(), client.auth(), grant)
                .scope(scope).build().toHTTPRequest().send());
    }

    public static AccessTokenResponse clientCredentials(Endpoint server, TestClient client) throws Exception {
        TokenResponse response = token(server, client, new ClientCredentialsGrant(), null);
        if (!response.indicatesSuccess()) {
            throw new AssertionError("token request failed: " + response.toErrorResponse().getErrorObject());
        }
        return response.toSuccessResponse();
    }

    public static TokenResponse refresh(Endpoint server, TestClient client, String refreshToken) throws Exception {
        return token(server, client, new RefreshTokenGrant(new RefreshToken(refreshToken)), null);
    }

    public static TokenIntrospectionSuccessResponse introspect(Endpoint server, TestClient client, String token)
            throws Exception {
        HTTPResponse http = new TokenIntrospectionRequest(server.uri("/oauth2/introspect"), client.auth(),
                new TypelessAccessToken(token)).toHTTPRequest().send();
        TokenIntrospectionResponse response = TokenIntrospectionResponse.parse(http);
        if (!response.indicatesSuccess()) {
            throw new AssertionError("introspection failed: " + response.toErrorResponse().getErrorObject());
        }
        return response.toSuccessResponse();
    }

    public static HTTPResponse revoke(Endpoint server, TestClient client, Token token) throws Exception {
        return new TokenRevocationRequest(server.uri("/oauth2/revoke"), client.auth(), token).toHTTPRequest().send();
    }
}
