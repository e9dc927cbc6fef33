package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.Secrets;
import dev.latchkey.core.secret.TokenHash;
import dev.latchkey.core.store.record.OpaqueAccessTokenRecord;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.OAuth;
import dev.latchkey.server.testing.Rfc7592;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IntrospectionTest {

    @RegisterExtension
    static final TestServer SERVER = new TestServer();

    @ParameterizedTest
    @ValueSource(strings = {"jwt", "opaque"})
    void activeAccessTokenReportsItsClaims(String format) throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read write", "access_token_format", format));
        TestClient resourceServer = resourceServer();
        AccessTokenResponse issued = OAuth.clientCredentials(SERVER, client);

        TokenIntrospectionSuccessResponse info = OAuth.introspect(SERVER, resourceServer,
                issued.getTokens().getAccessToken().getValue());

        assertThat(info.isActive()).isTrue();
        assertThat(info.getScope().toString()).isEqualTo("read write");
        assertThat(info.getClientID().getValue()).isEqualTo(client.id());
        assertThat(info.getSubject().getValue()).isEqualTo(client.id());
        assertThat(info.getTokenType()).isEqualTo(AccessTokenType.BEARER);
        assertThat(info.getAudience()).containsExactly(new Audience(SERVER.issuer()));
        assertThat(info.getIssueTime().toInstant().getEpochSecond()).isEqualTo(SERVER.clock().instant().getEpochSecond());
        assertThat(info.getExpirationTime().toInstant().getEpochSecond())
                .isEqualTo(SERVER.clock().instant().getEpochSecond() + 3600);
    }

    @Test
    void activeRefreshTokenIsReportedAsOne() throws Exception {
        TestClient client = SERVER.registerRefreshClient(Map.of());
        String refresh = OAuth.clientCredentials(SERVER, client).getTokens().getRefreshToken().getValue();

        TokenIntrospectionSuccessResponse info = OAuth.introspect(SERVER, client, refresh);

        assertThat(info.isActive()).isTrue();
        assertThat(info.getStringParameter("token_type")).isEqualTo("refresh_token");
        assertThat(info.getClientID().getValue()).isEqualTo(client.id());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jwt", "opaque"})
    void expiredAccessTokenIsInactive(String format) throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read", "access_token_format", format, "access_token_ttl", 2));
        String token = OAuth.clientCredentials(SERVER, client).getTokens().getAccessToken().getValue();

        SERVER.clock().advance(Duration.ofSeconds(3));

        assertThat(OAuth.introspect(SERVER, client, token).isActive()).isFalse();
        assertThat(Http.json(introspectRaw(client, token))).containsExactly(Map.entry("active", false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"unknown-token", "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "...", "\u00e9t\u00e9"})
    void unknownOrMalformedTokenIsInactive(String token) throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read"));

        HttpResponse<String> response = introspectRaw(client, token);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Http.json(response)).containsExactly(Map.entry("active", false));
    }

    @Test
    void anOpaqueTokenIssuedBeforeTokensCarriedTheirTimeIsStillFoundAndRevocable() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read", "access_token_format", "opaque"));
        String older = Secrets.random256(); // the format before time-ordered tokens, stored under its plain hash
        Instant now = SERVER.clock().instant();
        SERVER.server().assembly().stores().tokens().saveAccessToken(new OpaqueAccessTokenRecord(
                new TokenHash(Secrets.hash(older)), client.id(), client.id(), Scope.parse("read", OAuthError.SERVER_ERROR),
                List.of(SERVER.issuer()), "jti-" + Secrets.random128(), null, now, now.plusSeconds(600), false));

        assertThat(OAuth.introspect(SERVER, client, older).isActive()).isTrue();
        assertThat(Http.postForm(SERVER.uri("/oauth2/revoke"), client.basicHeader(), Map.of("token", older))
                .statusCode()).isEqualTo(200);
        assertThat(OAuth.introspect(SERVER, client, older).isActive()).isFalse();
    }

    @Test
    void introspectionWithoutClientAuthenticationIsInvalidClient() {
        HttpResponse<String> response = Http.postForm(SERVER.uri("/oauth2/introspect"), null, Map.of("token", "x"));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(Http.json(response)).containsEntry("error", "invalid_client");
    }

    @Test
    void introspectionWithoutATokenIsInvalidRequest() {
        TestClient client = SERVER.register(Map.of("scope", "read"));

        HttpResponse<String> response = Http.postForm(SERVER.uri("/oauth2/introspect"), client.basicHeader(), Map.of());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.json(response)).containsEntry("error", "invalid_request");
    }

    @Test
    void tokensOfADeletedClientAreInactive() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read"));
        TestClient resourceServer = resourceServer();
        String token = OAuth.clientCredentials(SERVER, client).getTokens().getAccessToken().getValue();

        Http.send(java.net.http.HttpRequest.newBuilder(SERVER.uri("/oauth2/register/" + client.id()))
                .header("Authorization", "Bearer " + client.registrationToken()).DELETE().build());

        assertThat(OAuth.introspect(SERVER, resourceServer, token).isActive()).isFalse();
    }

    /** A resource server: a client that may introspect tokens meant for the default audience. */
    private static TestClient resourceServer() {
        return SERVER.register(Map.of("scope", "", "introspection_audiences", List.of(SERVER.issuer())));
    }

    /** Issue 12, item 15 (RFC 7662 §4): what a client may learn about other clients' tokens. */
    @ParameterizedTest
    @ValueSource(strings = {"jwt", "opaque"})
    void anotherClientLearnsNothingAboutTokensNotMeantForIt(String format) throws Exception {
        TestClient owner = SERVER.registerRefreshClient(Map.of("access_token_format", format,
                "resources", List.of("https://api.example/")));
        TestClient stranger = SERVER.register(Map.of("scope", "read"));
        TestClient otherApi = SERVER.register(Map.of("introspection_audiences", List.of("https://other.example/")));
        TestClient api = SERVER.register(Map.of("introspection_audiences", List.of("https://api.example/")));
        Map<String, Object> issued = Http.json(Http.postForm(SERVER.tokenEndpoint(), owner.basicHeader(),
                Map.of("grant_type", "client_credentials", "resource", "https://api.example/")));
        String access = (String) issued.get("access_token");
        String refresh = (String) issued.get("refresh_token");

        assertThat(Http.json(introspectRaw(stranger, access))).containsExactly(Map.entry("active", false));
        assertThat(Http.json(introspectRaw(otherApi, access))).containsExactly(Map.entry("active", false));
        assertThat(Http.json(introspectRaw(api, access))).containsEntry("active", true);
        assertThat(Http.json(introspectRaw(api, refresh))).as("refresh tokens are for their client only")
                .containsExactly(Map.entry("active", false));
        assertThat(Http.json(introspectRaw(owner, access))).containsEntry("active", true);
        assertThat(Http.json(introspectRaw(owner, refresh))).containsEntry("active", true);
    }

    /** Issue 12, item 15. */
    @Test
    void aRefreshTokenOfAClientNoLongerRegisteredForRefreshIsInactive() throws Exception {
        TestClient client = SERVER.registerRefreshClient(Map.of());
        String refresh = OAuth.clientCredentials(SERVER, client).getTokens().getRefreshToken().getValue();

        assertThat(Rfc7592.update(SERVER, client, client.registrationToken(),
                Map.of("scope", "read write", "grant_types", List.of("client_credentials"))).statusCode()).isEqualTo(200);

        assertThat(Http.json(introspectRaw(client, refresh))).containsExactly(Map.entry("active", false));
    }

    private static HttpResponse<String> introspectRaw(TestClient client, String token) {
        return Http.postForm(SERVER.uri("/oauth2/introspect"), client.basicHeader(), Map.of("token", token));
    }
}
