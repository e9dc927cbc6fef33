package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import dev.latchkey.server.testing.Jwts;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ClientCredentialsGrantTest {

    @RegisterExtension
    static final TestServer SERVER = new TestServer(config -> config.toBuilder().audience("https://api.default.example").build());

    private static TokenResponse request(TestClient client, Scope scope, List<URI> resources) throws Exception {
        TokenRequest request = new TokenRequest.Builder(SERVER.tokenEndpoint(), client.auth(), new ClientCredentialsGrant())
                .scope(scope).resources(resources == null ? null : resources.toArray(URI[]::new)).build();
        HTTPResponse http = request.toHTTPRequest().send();
        return TokenResponse.parse(http);
    }

    @Test
    void clientCredentialsWithoutScopeGetsEveryRegisteredScopeAsAnRfc9068Jwt() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read write", "client_name", "jwt-client"));

        HTTPResponse http = new TokenRequest.Builder(SERVER.tokenEndpoint(), client.auth(), new ClientCredentialsGrant())
                .build().toHTTPRequest().send();

        assertThat(http.getStatusCode()).isEqualTo(200);
        assertThat(http.getHeaderValue("Cache-Control")).isEqualTo("no-store");
        assertThat(http.getHeaderValue("Pragma")).isEqualTo("no-cache");
        AccessTokenResponse response = TokenResponse.parse(http).toSuccessResponse();
        assertThat(response.getTokens().getAccessToken().getType()).isEqualTo(AccessTokenType.BEARER);
        assertThat(response.getTokens().getAccessToken().getLifetime()).isEqualTo(3600);
        assertThat(response.getTokens().getAccessToken().getScope()).isEqualTo(Scope.parse("read write"));
        assertThat(response.getTokens().getRefreshToken()).isNull();
        long createdAt = ((Number) response.getCustomParameters().get("created_at")).longValue();
        assertThat(createdAt).isEqualTo(SERVER.clock().instant().getEpochSecond());

        String jwt = response.getTokens().getAccessToken().getValue();
        JWSObject jws = JWSObject.parse(jwt);
        assertThat(jws.getHeader().getType().getType()).isEqualTo("at+jwt");
        assertThat(jws.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.EdDSA);
        assertThat(jws.getHeader().getKeyID()).isNotBlank();
        JWTClaimsSet claims = Jwts.verify(SERVER, jwt, JWSAlgorithm.EdDSA);
        assertThat(claims.getIssuer()).isEqualTo(SERVER.issuer());
        assertThat(claims.getSubject()).isEqualTo(client.id());
        assertThat(claims.getStringClaim("client_id")).isEqualTo(client.id());
        assertThat(claims.getAudience()).containsExactly("https://api.default.example");
        assertThat(claims.getStringClaim("scope")).isEqualTo("read write");
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getExpirationTime().getTime() / 1000 - claims.getIssueTime().getTime() / 1000).isEqualTo(3600);
    }

    @Test
    void requestedScopeThatIsASubsetIsGrantedExactly() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "/accounts.read /accounts.write"));

        AccessTokenResponse response = request(client, Scope.parse("/accounts.read"), null).toSuccessResponse();

        assertThat(response.getTokens().getAccessToken().getScope()).isEqualTo(Scope.parse("/accounts.read"));
        assertThat(Jwts.verify(SERVER, response.getTokens().getAccessToken().getValue(), JWSAlgorithm.EdDSA)
                .getStringClaim("scope")).isEqualTo("/accounts.read");
    }

    @Test
    void requestedScopeBeyondTheRegisteredOnesIsInvalidScope() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read"));

        TokenErrorResponse error = request(client, Scope.parse("read admin"), null).toErrorResponse();

        assertThat(error.getErrorObject().getCode()).isEqualTo("invalid_scope");
        assertThat(error.getErrorObject().getHTTPStatusCode()).isEqualTo(400);
    }

    @Test
    void clientRegisteredForRefreshTokensAlsoGetsARefreshToken() throws Exception {
        TestClient client = SERVER.registerRefreshClient(Map.of());

        AccessTokenResponse response = request(client, null, null).toSuccessResponse();

        assertThat(response.getTokens().getRefreshToken()).isNotNull();
        assertThat(response.getTokens().getRefreshToken().getValue()).hasSizeGreaterThanOrEqualTo(43);
    }

    @Test
    void clientSecretPostClientAuthenticatesInTheBody() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read", "token_endpoint_auth_method", "client_secret_post"));

        assertThat(request(client, null, null).indicatesSuccess()).isTrue();
    }

    @Test
    void clientUsingAnotherMethodThanRegisteredIsInvalidClient() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read", "token_endpoint_auth_method", "client_secret_post"));
        TestClient asBasic = new TestClient(client.id(), client.secret(), null, Map.of());

        TokenErrorResponse error = request(asBasic, null, null).toErrorResponse();

        assertThat(error.getErrorObject().getCode()).isEqualTo("invalid_client");
        assertThat(error.getErrorObject().getHTTPStatusCode()).isEqualTo(401);
    }

    @Test
    void wrongSecretIsInvalidClientWithABasicChallenge() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read"));
        TestClient impostor = new TestClient(client.id(), "not-the-secret", null, Map.of());

        HTTPResponse http = new TokenRequest.Builder(SERVER.tokenEndpoint(), impostor.auth(), new ClientCredentialsGrant())
                .build().toHTTPRequest().send();

        assertThat(http.getStatusCode()).isEqualTo(401);
        assertThat(http.getHeaderValue("WWW-Authenticate")).startsWith("Basic realm=");
        assertThat(TokenErrorResponse.parse(http).getErrorObject().getCode()).isEqualTo("invalid_client");
    }

    @Test
    void opaqueClientGetsA256BitRandomTokenThatIsNotAJwt() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read", "access_token_format", "opaque"));

        String token = request(client, null, null).toSuccessResponse().getTokens().getAccessToken().getValue();

        assertThat(token).matches("[A-Za-z0-9_-]{51}").doesNotContain("."); // issue time, then 256 random bits
    }

    @Test
    void resourceIndicatorsBecomeTheAudience() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read",
                "resources", List.of("https://a.example/api", "https://b.example/api")));

        String token = request(client, null, List.of(URI.create("https://a.example/api"), URI.create("https://b.example/api")))
                .toSuccessResponse().getTokens().getAccessToken().getValue();

        assertThat(Jwts.verify(SERVER, token, JWSAlgorithm.EdDSA).getAudience())
                .containsExactly("https://a.example/api", "https://b.example/api");
    }

    @Test
    void resourceNotRegisteredForTheClientIsInvalidTarget() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read", "resources", List.of("https://a.example/api")));

        TokenErrorResponse error = request(client, null, List.of(URI.create("https://evil.example/")))
                .toErrorResponse();

        assertThat(error.getErrorObject().getCode()).isEqualTo("invalid_target");
        assertThat(error.getErrorObject().getHTTPStatusCode()).isEqualTo(400);
    }

    @Test
    void clientWithoutTheRefreshTokenGrantIsUnauthorizedClientForIt() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read"));

        TokenErrorResponse error = TokenResponse.parse(new TokenRequest.Builder(SERVER.tokenEndpoint(), client.auth(),
                new RefreshTokenGrant(new RefreshToken("any-refresh-token"))).build().toHTTPRequest().send())
                .toErrorResponse();

        assertThat(error.getErrorObject().getCode()).isEqualTo("unauthorized_client");
    }
}
