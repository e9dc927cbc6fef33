package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.id.Issuer;
import dev.latchkey.core.key.SigningAlgorithm;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.Jwts;
import dev.latchkey.server.testing.OAuth;
import dev.latchkey.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DiscoveryTest {

    @RegisterExtension
    static final TestServer SERVER = new TestServer();

    @Test
    void metadataDescribesEveryEndpointAndCapability() throws Exception {
        AuthorizationServerMetadata metadata = AuthorizationServerMetadata.resolve(new Issuer(SERVER.issuer()));

        assertThat(metadata.getIssuer().getValue()).isEqualTo(SERVER.issuer());
        assertThat(metadata.getTokenEndpointURI()).isEqualTo(SERVER.uri("/oauth2/token"));
        assertThat(metadata.getJWKSetURI()).isEqualTo(SERVER.uri("/oauth2/jwks"));
        assertThat(metadata.getIntrospectionEndpointURI()).isEqualTo(SERVER.uri("/oauth2/introspect"));
        assertThat(metadata.getRevocationEndpointURI()).isEqualTo(SERVER.uri("/oauth2/revoke"));
        assertThat(metadata.getRegistrationEndpointURI()).isEqualTo(SERVER.uri("/oauth2/register"));
        assertThat(metadata.getAuthorizationEndpointURI()).isEqualTo(SERVER.uri("/oauth2/authorize"));
        assertThat(metadata.getResponseTypes()).containsExactly(com.nimbusds.oauth2.sdk.ResponseType.CODE);
        assertThat(metadata.getCodeChallengeMethods())
                .containsExactly(com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod.S256);
        assertThat(metadata.supportsAuthorizationResponseIssuerParam()).isTrue();
        assertThat(metadata.getGrantTypes()).containsExactlyInAnyOrder(GrantType.AUTHORIZATION_CODE,
                GrantType.CLIENT_CREDENTIALS, GrantType.REFRESH_TOKEN, GrantType.DEVICE_CODE, GrantType.TOKEN_EXCHANGE);
        assertThat(metadata.getPushedAuthorizationRequestEndpointURI()).isEqualTo(SERVER.uri("/oauth2/par"));
        assertThat(metadata.getDeviceAuthorizationEndpointURI())
                .isEqualTo(SERVER.uri("/oauth2/device_authorization"));
        List<ClientAuthenticationMethod> methods = List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC,
                ClientAuthenticationMethod.CLIENT_SECRET_POST, ClientAuthenticationMethod.PRIVATE_KEY_JWT);
        List<ClientAuthenticationMethod> withPublic = List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC,
                ClientAuthenticationMethod.CLIENT_SECRET_POST, ClientAuthenticationMethod.PRIVATE_KEY_JWT,
                ClientAuthenticationMethod.NONE);
        assertThat(metadata.getTokenEndpointAuthMethods()).containsExactlyElementsOf(withPublic);
        assertThat(metadata.getIntrospectionEndpointAuthMethods()).containsExactlyElementsOf(methods);
        assertThat(metadata.getRevocationEndpointAuthMethods()).containsExactlyElementsOf(withPublic);
        assertThat(metadata.getTokenEndpointJWSAlgs()).extracting(Object::toString)
                .containsExactly("EdDSA", "ES256", "PS256", "RS256");
    }

    @Test
    void everyAdvertisedEndpointAnswers() throws Exception {
        AuthorizationServerMetadata metadata = AuthorizationServerMetadata.resolve(new Issuer(SERVER.issuer()));

        for (var endpoint : List.of(metadata.getTokenEndpointURI(), metadata.getIntrospectionEndpointURI(),
                metadata.getRevocationEndpointURI())) {
            HttpResponse<String> response = Http.postForm(endpoint, null, Map.of());
            assertThat(response.statusCode()).as(endpoint.toString()).isIn(400, 401);
            assertThat(Http.json(response)).containsKey("error");
        }
        assertThat(Http.get(metadata.getJWKSetURI()).statusCode()).isEqualTo(200);
    }

    @Test
    void jwksPublishesTheEd25519SigningKeyWithAMaxAgeBelowTheActivationDelay() throws Exception {
        HttpResponse<String> response = Http.get(SERVER.uri("/oauth2/jwks"));
        JWKSet keys = JWKSet.parse(response.body());

        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/jwk-set+json"));
        long maxAge = Long.parseLong(response.headers().firstValue("Cache-Control").orElseThrow()
                .replaceAll(".*max-age=(\\d+).*", "$1"));
        assertThat(maxAge).isPositive().isLessThan(SERVER.config().keyActivationDelay().toSeconds());
        assertThat(keys.getKeys()).hasSize(1);
        assertThat(keys.getKeys().get(0).getKeyType()).isEqualTo(KeyType.OKP);
        assertThat(keys.getKeys().get(0).getKeyUse()).isEqualTo(KeyUse.SIGNATURE);
        assertThat(keys.getKeys().get(0).getAlgorithm()).isEqualTo(JWSAlgorithm.EdDSA);
        assertThat(keys.getKeys().get(0).isPrivate()).isFalse();
        assertThat(response.body()).doesNotContain("\"d\"");
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void everySigningAlgorithmMakesTokensAnIndependentVerifierAccepts(SigningAlgorithm algorithm) throws Exception {
        try (TestServer server = TestServer.startNew(config -> config.withSigningAlgorithm(algorithm))) {
            var client = server.register(Map.of("scope", "read"));
            String token = OAuth.clientCredentials(server, client).getTokens().getAccessToken().getValue();

            assertThat(Jwts.verify(server, token, algorithm.jws()).getSubject()).isEqualTo(client.id());
            assertThat(OAuth.introspect(server, client, token).isActive()).isTrue();
        }
    }
}
