package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.Jwts;
import dev.latchkey.server.testing.OAuth;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RestartTest {

    @RegisterExtension
    static final TestServer SERVER = new TestServer();

    @Test
    void everythingIssuedBeforeARestartStillWorksAfterIt() throws Exception {
        TestClient jwtClient = SERVER.registerRefreshClient(Map.of());
        TestClient opaqueClient = SERVER.registerRefreshClient(Map.of("access_token_format", "opaque"));
        AccessTokenResponse jwt = OAuth.clientCredentials(SERVER, jwtClient);
        AccessTokenResponse opaque = OAuth.clientCredentials(SERVER, opaqueClient);
        AccessTokenResponse revoked = OAuth.clientCredentials(SERVER, jwtClient);
        OAuth.revoke(SERVER, jwtClient, revoked.getTokens().getAccessToken());
        String jwksBefore = Http.get(SERVER.uri("/oauth2/jwks")).body();

        SERVER.restart();

        assertThat(Http.get(SERVER.uri("/oauth2/jwks")).body()).isEqualTo(jwksBefore);
        assertThat(Jwts.verify(SERVER, jwt.getTokens().getAccessToken().getValue(), JWSAlgorithm.EdDSA)).isNotNull();
        assertThat(OAuth.introspect(SERVER, jwtClient, jwt.getTokens().getAccessToken().getValue()).isActive()).isTrue();
        assertThat(OAuth.introspect(SERVER, opaqueClient, opaque.getTokens().getAccessToken().getValue()).isActive())
                .isTrue();
        assertThat(OAuth.introspect(SERVER, jwtClient, revoked.getTokens().getAccessToken().getValue()).isActive())
                .as("a JWT revoked before the restart stays revoked").isFalse();
        assertThat(OAuth.refresh(SERVER, jwtClient, jwt.getTokens().getRefreshToken().getValue()).indicatesSuccess())
                .isTrue();
        assertThat(OAuth.refresh(SERVER, opaqueClient, opaque.getTokens().getRefreshToken().getValue()).indicatesSuccess())
                .isTrue();
    }
}
