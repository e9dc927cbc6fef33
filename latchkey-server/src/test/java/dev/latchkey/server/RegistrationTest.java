package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.client.ClientDeleteRequest;
import com.nimbusds.oauth2.sdk.client.ClientInformation;
import com.nimbusds.oauth2.sdk.client.ClientInformationResponse;
import com.nimbusds.oauth2.sdk.client.ClientMetadata;
import com.nimbusds.oauth2.sdk.client.ClientReadRequest;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationErrorResponse;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationRequest;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationResponse;
import com.nimbusds.oauth2.sdk.client.ClientUpdateRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.OAuth;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RegistrationTest {

    @RegisterExtension
    static final TestServer SERVER = new TestServer();

    private static ClientMetadata metadata() {
        ClientMetadata metadata = new ClientMetadata();
        metadata.setName("nimbus-registered");
        metadata.setGrantTypes(Set.of(GrantType.CLIENT_CREDENTIALS, GrantType.REFRESH_TOKEN));
        metadata.setScope(Scope.parse("read write"));
        metadata.setTokenEndpointAuthMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST);
        metadata.setCustomField("access_token_format", "opaque");
        metadata.setCustomField("access_token_ttl", 600);
        metadata.setCustomField("refresh_token_ttl", 86400);
        return metadata;
    }

    private static ClientInformation registerWithNimbus() throws Exception {
        HTTPResponse http = new ClientRegistrationRequest(SERVER.uri("/oauth2/register"), metadata(),
                new BearerAccessToken(TestServer.INITIAL_ACCESS_TOKEN)).toHTTPRequest().send();
        assertThat(http.getStatusCode()).isEqualTo(201);
        assertThat(http.getHeaderValue("Cache-Control")).isEqualTo("no-store");
        return ClientRegistrationResponse.parse(http).toSuccessResponse().getClientInformation();
    }

    @Test
    void registeredClientGetsAGeneratedIdAndA256BitSecretAndCanGetTokens() throws Exception {
        ClientInformation info = registerWithNimbus();

        assertThat(info.getID().getValue()).isNotBlank();
        assertThat(info.getSecret().getValue()).matches("[A-Za-z0-9_-]{43}");
        assertThat(info.getSecret().getExpirationDate()).isNull();
        assertThat(info.getRegistrationAccessToken()).isNotNull();
        assertThat(info.getRegistrationURI()).isEqualTo(SERVER.uri("/oauth2/register/" + info.getID().getValue()));
        assertThat(info.getMetadata().getScope()).isEqualTo(Scope.parse("read write"));
        assertThat(info.getMetadata().getTokenEndpointAuthMethod()).isEqualTo(ClientAuthenticationMethod.CLIENT_SECRET_POST);
        assertThat(info.getMetadata().getCustomField("access_token_format")).isEqualTo("opaque");

        TestClient client = new TestClient(info.getID().getValue(), info.getSecret().getValue(), null,
                Map.of("token_endpoint_auth_method", "client_secret_post"));
        var tokens = OAuth.clientCredentials(SERVER, client).getTokens();
        assertThat(tokens.getAccessToken().getLifetime()).isEqualTo(600);
        assertThat(tokens.getAccessToken().getValue()).doesNotContain(".");
        assertThat(tokens.getRefreshToken()).isNotNull();
    }

    @Test
    void clientReadsUpdatesAndDeletesItselfWithItsRegistrationAccessToken() throws Exception {
        ClientInformation info = registerWithNimbus();
        URI self = info.getRegistrationURI();
        BearerAccessToken token = info.getRegistrationAccessToken();

        ClientInformationResponse read = (ClientInformationResponse) ClientRegistrationResponse.parse(
                new ClientReadRequest(self, token).toHTTPRequest().send());
        assertThat(read.getClientInformation().getID()).isEqualTo(info.getID());
        assertThat(read.getClientInformation().getMetadata().getScope()).isEqualTo(Scope.parse("read write"));

        ClientMetadata changed = metadata();
        changed.setScope(Scope.parse("read"));
        ClientInformationResponse updated = (ClientInformationResponse) ClientRegistrationResponse.parse(
                new ClientUpdateRequest(self, info.getID(), token, changed, info.getSecret()).toHTTPRequest().send());
        assertThat(updated.getClientInformation().getMetadata().getScope()).isEqualTo(Scope.parse("read"));
        TestClient client = new TestClient(info.getID().getValue(), info.getSecret().getValue(), null,
                Map.of("token_endpoint_auth_method", "client_secret_post"));
        assertThat(OAuth.clientCredentials(SERVER, client).getTokens().getAccessToken().getScope())
                .as("the update applies to the next token request at once").isEqualTo(Scope.parse("read"));

        HTTPResponse deleted = new ClientDeleteRequest(self, token).toHTTPRequest().send();
        assertThat(deleted.getStatusCode()).isEqualTo(204);
        assertThat(OAuth.token(SERVER, client, new com.nimbusds.oauth2.sdk.ClientCredentialsGrant(), null)
                .toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_client");
        assertThat(new ClientReadRequest(self, token).toHTTPRequest().send().getStatusCode()).isEqualTo(401);
    }

    @Test
    void managementWithAWrongRegistrationTokenIs401InvalidToken() throws Exception {
        ClientInformation info = registerWithNimbus();

        HTTPResponse http = new ClientReadRequest(info.getRegistrationURI(), new BearerAccessToken("wrong")).toHTTPRequest().send();

        assertThat(http.getStatusCode()).isEqualTo(401);
        assertThat(http.getHeaderValue("WWW-Authenticate")).contains("Bearer").contains("invalid_token");
    }

    @Test
    void registrationWithoutTheInitialAccessTokenIs401InvalidToken() throws Exception {
        HTTPResponse http = new ClientRegistrationRequest(SERVER.uri("/oauth2/register"), metadata(),
                new BearerAccessToken("not-the-initial-token")).toHTTPRequest().send();

        assertThat(http.getStatusCode()).isEqualTo(401);
        assertThat(ClientRegistrationResponse.parse(http).indicatesSuccess()).isFalse();
        assertThat(Http.json(Http.send(HttpRequest.newBuilder(SERVER.uri("/oauth2/register"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build())))
                .containsEntry("error", "invalid_token");
    }

    static Stream<Arguments> invalidMetadata() {
        return Stream.of(
                Arguments.of("unsupported grant", "{\"grant_types\":[\"implicit\"]}"),
                Arguments.of("the implicit response type", "{\"grant_types\":[\"authorization_code\"],"
                        + "\"response_types\":[\"token\"],\"redirect_uris\":[\"https://x.example/cb\"]}"),
                Arguments.of("public client with client_credentials", "{\"token_endpoint_auth_method\":\"none\","
                        + "\"grant_types\":[\"client_credentials\"]}"),
                Arguments.of("unknown application_type", "{\"application_type\":\"tv\"}"),
                Arguments.of("unknown id_token algorithm", "{\"id_token_signed_response_alg\":\"none\"}"),
                Arguments.of("refresh without client credentials", "{\"grant_types\":[\"refresh_token\"]}"),
                Arguments.of("grant_types not an array", "{\"grant_types\":\"client_credentials\"}"),
                Arguments.of("empty grant_types", "{\"grant_types\":[]}"),
                Arguments.of("public client", "{\"token_endpoint_auth_method\":\"none\"}"),
                Arguments.of("private_key_jwt", "{\"token_endpoint_auth_method\":\"private_key_jwt\"}"),
                Arguments.of("unknown token format", "{\"access_token_format\":\"saml\"}"),
                Arguments.of("zero ttl", "{\"access_token_ttl\":0}"),
                Arguments.of("negative ttl", "{\"access_token_ttl\":-5}"),
                Arguments.of("ttl as string", "{\"access_token_ttl\":\"3600\"}"),
                Arguments.of("fractional ttl", "{\"access_token_ttl\":1.5}"),
                Arguments.of("ttl above the server limit", "{\"access_token_ttl\":86401}"),
                Arguments.of("refresh ttl above a year", "{\"refresh_token_ttl\":31536001}"),
                Arguments.of("grace above five minutes", "{\"refresh_token_grace_seconds\":301}"),
                Arguments.of("scope with a quote", "{\"scope\":\"read \\\"write\"}"),
                Arguments.of("scope with double space", "{\"scope\":\"read  write\"}"),
                Arguments.of("scope not a string", "{\"scope\":[\"read\"]}"),
                Arguments.of("resource not absolute", "{\"resources\":[\"api/v1\"]}"),
                Arguments.of("resource with fragment", "{\"resources\":[\"https://api.example/#x\"]}"),
                Arguments.of("resource not a URI", "{\"resources\":[\"https://exa mple\"]}"),
                Arguments.of("response types", "{\"response_types\":[\"code\"]}"),
                Arguments.of("unknown profile", "{\"response_profile\":\"soap\"}"),
                Arguments.of("array body", "[]"),
                Arguments.of("not JSON", "{grant_types:"),
                Arguments.of("duplicate member", "{\"scope\":\"read\",\"scope\":\"admin\"}"),
                Arguments.of("client_name too long", "{\"client_name\":\"" + "x".repeat(201) + "\"}"),
                Arguments.of("trailing garbage after the object", "{\"scope\":\"read\"} {\"scope\":\"admin\"}"),
                Arguments.of("trailing text after the object", "{\"scope\":\"read\"}x"),
                Arguments.of("scope too long", "{\"scope\":\"" + "s".repeat(1025) + "\"}"),
                Arguments.of("too many resources", "{\"resources\":[" + String.join(",",
                        java.util.Collections.nCopies(11, "\"https://api.example/\"")) + "]}"),
                Arguments.of("resource too long", "{\"resources\":[\"https://api.example/" + "r".repeat(240) + "\"]}"),
                Arguments.of("negative absolute lifetime", "{\"refresh_token_absolute_ttl\":-1}"),
                Arguments.of("introspection audience not a URI", "{\"introspection_audiences\":[\"api\"]}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidMetadata")
    void invalidMetadataIsInvalidClientMetadata(String name, String body) {
        HttpResponse<String> response = Http.send(HttpRequest.newBuilder(SERVER.uri("/oauth2/register"))
                .header("Authorization", "Bearer " + TestServer.INITIAL_ACCESS_TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.json(response)).containsEntry("error", "invalid_client_metadata")
                .containsKey("error_description");
        ClientRegistrationErrorResponse parsed = parseError(response);
        assertThat(parsed.getErrorObject().getCode()).isEqualTo("invalid_client_metadata");
    }

    @Test
    void unknownMetadataMembersAreIgnoredAsRfc7591Requires() {
        TestClient client = SERVER.register(Map.of("scope", "read", "logo_uri", "https://x.example/logo.png",
                "tos_uri", "https://x.example/tos"));

        assertThat(client.registration()).doesNotContainKey("logo_uri").doesNotContainKey("tos_uri");
    }

    private static ClientRegistrationErrorResponse parseError(HttpResponse<String> response) {
        try {
            HTTPResponse http = new HTTPResponse(response.statusCode());
            http.setContentType("application/json");
            http.setBody(response.body());
            return ClientRegistrationErrorResponse.parse(http);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
