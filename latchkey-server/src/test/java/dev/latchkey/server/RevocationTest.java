package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.OAuth;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RevocationTest {

    @RegisterExtension
    static final TestServer SERVER = new TestServer();

    @ParameterizedTest
    @ValueSource(strings = {"jwt", "opaque"})
    void revokedAccessTokenIntrospectsInactive(String format) throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read", "access_token_format", format));
        String token = OAuth.clientCredentials(SERVER, client).getTokens().getAccessToken().getValue();

        HTTPResponse response = OAuth.revoke(SERVER, client, new BearerAccessToken(token));

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getBody()).isNullOrEmpty();
        assertThat(OAuth.introspect(SERVER, client, token).isActive()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jwt", "opaque"})
    void revokingARefreshTokenRevokesItsFamilyAndTheAccessTokensIssuedFromIt(String format) throws Exception {
        TestClient client = SERVER.registerRefreshClient(Map.of("access_token_format", format));
        AccessTokenResponse first = OAuth.clientCredentials(SERVER, client);
        AccessTokenResponse second = OAuth.refresh(SERVER, client, first.getTokens().getRefreshToken().getValue())
                .toSuccessResponse();

        OAuth.revoke(SERVER, client, new RefreshToken(second.getTokens().getRefreshToken().getValue()));

        assertThat(OAuth.refresh(SERVER, client, second.getTokens().getRefreshToken().getValue()).indicatesSuccess())
                .isFalse();
        assertThat(OAuth.introspect(SERVER, client, first.getTokens().getAccessToken().getValue()).isActive()).isFalse();
        assertThat(OAuth.introspect(SERVER, client, second.getTokens().getAccessToken().getValue()).isActive()).isFalse();
    }

    @Test
    void revokingOneAccessTokenLeavesTheRefreshTokenWorking() throws Exception {
        TestClient client = SERVER.registerRefreshClient(Map.of());
        AccessTokenResponse issued = OAuth.clientCredentials(SERVER, client);

        OAuth.revoke(SERVER, client, issued.getTokens().getAccessToken());

        assertThat(OAuth.refresh(SERVER, client, issued.getTokens().getRefreshToken().getValue()).indicatesSuccess())
                .isTrue();
    }

    @Test
    void unknownTokenStillGets200() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read"));

        assertThat(OAuth.revoke(SERVER, client, new BearerAccessToken("never-issued")).getStatusCode()).isEqualTo(200);
    }

    @Test
    void aTokenOfAnotherClientIsRefusedAndStaysActive() throws Exception {
        TestClient owner = SERVER.register(Map.of("scope", "read", "access_token_format", "opaque"));
        TestClient other = SERVER.register(Map.of("scope", "read"));
        String token = OAuth.clientCredentials(SERVER, owner).getTokens().getAccessToken().getValue();

        var response = Http.postForm(SERVER.uri("/oauth2/revoke"), other.basicHeader(), Map.of("token", token));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.json(response)).containsEntry("error", "invalid_grant");
        assertThat(OAuth.introspect(SERVER, owner, token).isActive()).isTrue();
    }

    @Test
    void revocationRequiresClientAuthentication() {
        var response = Http.postForm(SERVER.uri("/oauth2/revoke"), null, Map.of("token", "x"));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(Http.json(response)).containsEntry("error", "invalid_client");
    }
}
