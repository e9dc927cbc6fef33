package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.LogCapture;
import dev.latchkey.server.testing.OAuth;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every malformed request gets a 4xx with an OAuth error body, never a 5xx, HTML or a stack trace;
 * and after all of them the server still answers a valid request.
 */
class BadInputTest {

    private static final String FORM = "application/x-www-form-urlencoded";

    @RegisterExtension
    static final TestServer SERVER = new TestServer();

    static TestClient client;

    @BeforeAll
    static void registerClient() {
        client = SERVER.registerRefreshClient(Map.of());
    }

    /** How to build a request against the token endpoint, given the endpoint URI. */
    private record Case(String name, Function<URI, HttpRequest> request, int status, String error) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static HttpRequest post(URI uri, String contentType, String authorization, byte[] body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder.build();
    }

    private static Case form(String name, String body, int status, String error) {
        return new Case(name, uri -> post(uri, FORM, client.basicHeader(), body.getBytes(StandardCharsets.ISO_8859_1)),
                status, error);
    }

    private static Case auth(String name, String authorization, int status, String error) {
        return new Case(name, uri -> post(uri, FORM, authorization, "grant_type=client_credentials".getBytes()), status,
                error);
    }

    private static String basic(String raw) {
        return "Basic " + Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> cases() {
        String ok = "grant_type=client_credentials";
        return Stream.of(
                new Case("no content type", uri -> post(uri, null, client.basicHeader(), ok.getBytes()), 400, "invalid_request"),
                new Case("JSON instead of a form", uri -> post(uri, "application/json", client.basicHeader(),
                        "{\"grant_type\":\"client_credentials\"}".getBytes()), 400, "invalid_request"),
                new Case("text/plain", uri -> post(uri, "text/plain", client.basicHeader(), ok.getBytes()), 400, "invalid_request"),
                new Case("multipart", uri -> post(uri, "multipart/form-data; boundary=x", client.basicHeader(),
                        "--x\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials\r\n--x--".getBytes()),
                        400, "invalid_request"),
                new Case("latin-1 charset", uri -> post(uri, FORM + "; charset=ISO-8859-1", client.basicHeader(), ok.getBytes()),
                        400, "invalid_request"),
                form("empty body", "", 400, "invalid_request"),
                form("only separators", "&&&=&", 400, "invalid_request"),
                form("missing grant_type", "scope=read", 400, "invalid_request"),
                form("unsupported grant_type", "grant_type=password&username=a&password=b", 400, "unsupported_grant_type"),
                form("authorization_code grant of a client without it", "grant_type=authorization_code&code=x", 400,
                        "unauthorized_client"),
                form("implicit grant", "grant_type=implicit", 400, "unsupported_grant_type"),
                form("repeated grant_type", ok + "&grant_type=client_credentials", 400, "invalid_request"),
                form("repeated scope", ok + "&scope=read&scope=write", 400, "invalid_request"),
                form("repeated unknown parameter", ok + "&x=1&x=2", 400, "invalid_request"),
                form("percent-encoded invalid UTF-8", ok + "&scope=%FF%FE", 400, "invalid_request"),
                form("raw invalid UTF-8", ok + "&scope=\u00c3\u0028", 400, "invalid_request"),
                form("bad percent escape", ok + "&scope=%G1", 400, "invalid_request"),
                form("truncated percent escape", ok + "&scope=%4", 400, "invalid_request"),
                form("absurdly long value", ok + "&scope=" + "a".repeat(9000), 400, "invalid_request"),
                form("absurdly long parameter name", ok + "&" + "n".repeat(9000) + "=1&" + "n".repeat(9000) + "=2", 400,
                        "invalid_request"),
                form("scope with a quote", ok + "&scope=%22read%22", 400, "invalid_scope"),
                form("scope with a tab", ok + "&scope=read%09write", 400, "invalid_scope"),
                form("relative resource", ok + "&resource=api", 400, "invalid_target"),
                form("resource with fragment", ok + "&resource=https%3A%2F%2Fapi.example%2F%23f", 400, "invalid_target"),
                form("refresh grant without refresh_token", "grant_type=refresh_token", 400, "invalid_request"),
                new Case("body over the limit", uri -> post(uri, FORM, client.basicHeader(),
                        (ok + "&pad=" + "x".repeat(70 * 1024)).getBytes()), 413, "invalid_request"),
                new Case("chunked body over the limit", uri -> HttpRequest.newBuilder(uri)
                        .header("Content-Type", FORM).header("Authorization", client.basicHeader())
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                                (ok + "&pad=" + "x".repeat(70 * 1024)).getBytes()))).build(), 413, "invalid_request"),
                new Case("no client authentication", uri -> post(uri, FORM, null, ok.getBytes()), 401, "invalid_client"),
                new Case("client_id without secret", uri -> post(uri, FORM, null,
                        (ok + "&client_id=" + client.id()).getBytes()), 401, "invalid_client"),
                new Case("Basic and client_secret both", uri -> post(uri, FORM, client.basicHeader(),
                        (ok + "&client_id=" + client.id() + "&client_secret=" + client.secret()).getBytes()),
                        400, "invalid_request"),
                new Case("body client_id differs from Basic", uri -> post(uri, FORM, client.basicHeader(),
                        (ok + "&client_id=someone-else").getBytes()), 400, "invalid_request"),
                new Case("repeated client_secret", uri -> post(uri, FORM, null,
                        (ok + "&client_id=a&client_secret=b&client_secret=c").getBytes()), 400, "invalid_request"),
                auth("empty Authorization", " ", 401, "invalid_client"),
                auth("Basic without credentials", "Basic", 401, "invalid_client"),
                auth("Basic with empty credentials", "Basic ", 401, "invalid_client"),
                auth("Basic not base64", "Basic !!!not-base64!!!", 401, "invalid_client"),
                auth("Basic without colon", basic("just-an-id"), 401, "invalid_client"),
                auth("Basic with empty id", basic(":secret"), 401, "invalid_client"),
                auth("Basic not UTF-8", "Basic " + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xC3, 0x28, ':', 'x'}),
                        401, "invalid_client"),
                auth("Basic with bad percent escape", basic("%zz:secret"), 401, "invalid_client"),
                auth("Bearer scheme", "Bearer some-token", 401, "invalid_client"),
                auth("unknown client", basic("nobody:nothing"), 401, "invalid_client"),
                auth("absurdly long Basic", basic("x".repeat(5000) + ":" + "y".repeat(5000)), 431, "invalid_request"),
                new Case("GET on the token endpoint", uri -> HttpRequest.newBuilder(uri).GET().build(), 405, "invalid_request"),
                new Case("PUT on the token endpoint", uri -> HttpRequest.newBuilder(uri)
                        .PUT(HttpRequest.BodyPublishers.ofString(ok)).header("Content-Type", FORM).build(), 405, "invalid_request"),
                new Case("unknown endpoint", uri -> HttpRequest.newBuilder(uri.resolve("/oauth2/tokens"))
                        .POST(HttpRequest.BodyPublishers.ofString(ok)).build(), 404, "invalid_request"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/oauth2/token", "/oauth2/introspect"})
    void anotherMethodThanPostOnTheTokenOrIntrospectionEndpointIs405AllowingPost(String path) {
        for (String method : List.of("GET", "PUT", "DELETE")) {
            HttpResponse<String> response = Http.send(HttpRequest.newBuilder(SERVER.uri(path))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build());

            assertThat(response.statusCode()).as(method + " " + path).isEqualTo(405);
            // The token endpoint also answers CORS preflights (RFC 9700 §2.6).
            assertThat(response.headers().firstValue("Allow")).as(method + " " + path)
                    .hasValue(path.equals("/oauth2/token") ? "POST, OPTIONS" : "POST");
            assertThat(Http.json(response)).containsEntry("error", "invalid_request");
        }
    }

    @Test
    void unknownPathsAndMethodsAreAnsweredOnceAndLogNothing() {
        try (LogCapture logs = new LogCapture()) {
            Map<String, Integer> expected = Map.of("GET /oauth2/token", 405, "PUT /oauth2/introspect", 405,
                    "POST /oauth2/jwks", 405, "GET /no/such/path", 404, "DELETE /oauth2/register", 405);
            expected.forEach((request, status) -> {
                String[] methodAndPath = request.split(" ");
                HttpResponse<String> response = Http.send(HttpRequest.newBuilder(SERVER.uri(methodAndPath[1]))
                        .method(methodAndPath[0], HttpRequest.BodyPublishers.noBody()).build());
                assertThat(response.statusCode()).as(request).isEqualTo(status);
                assertThat(Http.json(response)).as(request).containsEntry("error", "invalid_request");
            });
            assertThat(logs.warnings()).as("a 404 or 405 is not a server failure").isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void malformedRequestGetsAnOAuthErrorNotAServerError(Case testCase) {
        HttpResponse<String> response = Http.send(testCase.request().apply(SERVER.tokenEndpoint()));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(testCase.status());
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        Map<String, Object> body = Http.json(response);
        assertThat(body).containsEntry("error", testCase.error());
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("<html").doesNotContain("\tat ");
        if (testCase.status() == 401) {
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    challenge -> assertThat(challenge).startsWith(
                            "invalid_token".equals(testCase.error()) ? "Bearer" : "Basic"));
        }
    }

    static Stream<Arguments> otherEndpointCases() {
        String json = "application/json";
        return Stream.of(
                new Case("introspect with JSON", uri -> post(uri.resolve("/oauth2/introspect"), json, client.basicHeader(),
                        "{\"token\":\"x\"}".getBytes()), 400, "invalid_request"),
                new Case("introspect with a repeated token", uri -> post(uri.resolve("/oauth2/introspect"), FORM,
                        client.basicHeader(), "token=a&token=b".getBytes()), 400, "invalid_request"),
                new Case("introspect with invalid UTF-8", uri -> post(uri.resolve("/oauth2/introspect"), FORM,
                        client.basicHeader(), "token=%C3%28".getBytes()), 400, "invalid_request"),
                new Case("introspect over the limit", uri -> post(uri.resolve("/oauth2/introspect"), FORM,
                        client.basicHeader(), ("token=" + "x".repeat(70 * 1024)).getBytes()), 413, "invalid_request"),
                new Case("revoke without a token", uri -> post(uri.resolve("/oauth2/revoke"), FORM, client.basicHeader(),
                        "token_type_hint=access_token".getBytes()), 400, "invalid_request"),
                new Case("revoke with a bad Basic header", uri -> post(uri.resolve("/oauth2/revoke"), FORM, "Basic %%%",
                        "token=x".getBytes()), 401, "invalid_client"),
                new Case("register with a form", uri -> post(uri.resolve("/oauth2/register"), FORM,
                        "Bearer " + TestServer.INITIAL_ACCESS_TOKEN, "scope=read".getBytes()), 400, "invalid_request"),
                new Case("register over the limit", uri -> post(uri.resolve("/oauth2/register"), json,
                        "Bearer " + TestServer.INITIAL_ACCESS_TOKEN,
                        ("{\"client_name\":\"" + "x".repeat(70 * 1024) + "\"}").getBytes()), 413, "invalid_request"),
                new Case("register with invalid UTF-8 JSON", uri -> post(uri.resolve("/oauth2/register"), json,
                        "Bearer " + TestServer.INITIAL_ACCESS_TOKEN, new byte[] {'{', '"', (byte) 0xC3, 0x28, '"', ':', '1', '}'}),
                        400, "invalid_client_metadata"),
                new Case("register with Basic instead of Bearer", uri -> post(uri.resolve("/oauth2/register"), json,
                        client.basicHeader(), "{}".getBytes()), 401, "invalid_token"),
                new Case("read an unknown client", uri -> HttpRequest.newBuilder(uri.resolve("/oauth2/register/nobody"))
                        .header("Authorization", "Bearer x").GET().build(), 401, "invalid_token"),
                new Case("JWKS by POST", uri -> post(uri.resolve("/oauth2/jwks"), FORM, null, new byte[0]), 405,
                        "invalid_request"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherEndpointCases")
    void malformedRequestToAnyOtherEndpointGetsAnOAuthError(Case testCase) {
        malformedRequestGetsAnOAuthErrorNotAServerError(testCase);
    }

    /** What each endpoint is sent when its media type is the one under test. */
    private record Target(String path, String mediaType, String authorization, String body) {
    }

    private static List<Target> targets() {
        return List.of(
                new Target("/oauth2/token", FORM, client.basicHeader(), "grant_type=client_credentials"),
                new Target("/oauth2/introspect", FORM, client.basicHeader(), "token=x"),
                new Target("/oauth2/revoke", FORM, client.basicHeader(), "token=x"),
                new Target("/oauth2/register", "application/json", "Bearer " + TestServer.INITIAL_ACCESS_TOKEN, "{}"));
    }

    /** Malformed media types, {@code T} standing for the endpoint's own type. Issue 12, item 4. */
    static Stream<String> malformedMediaTypes() {
        return Stream.of(";", ";;;", " ", "", "/", ";{T}", "{T}/", "/{T}", "{T}; charset", "{T}; =utf-8",
                "{T}; charset=", "{T}; charset=\"", "{T}; charset=\"utf-16\"", "{T};charset=latin1",
                "{T}, application/xml", "{T} {T}", "text/html", "*/*", "application/*", "{T};;;x", "{T}; a=b; c",
                "{T};=", "{T}; charset=utf-8=x");
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("malformedMediaTypes")
    void aMalformedMediaTypeIsInvalidRequestOnEveryEndpointAndLogsNothing(String mediaType) {
        try (LogCapture logs = new LogCapture()) {
            for (Target target : targets()) {
                String contentType = mediaType.replace("{T}", target.mediaType());
                HttpResponse<String> response = Http.send(post(SERVER.uri(target.path()), contentType,
                        target.authorization(), target.body().getBytes(StandardCharsets.UTF_8)));

                assertThat(response.statusCode()).as("%s [%s]", target.path(), contentType).isEqualTo(400);
                assertThat(Http.json(response)).as(target.path()).containsEntry("error", "invalid_request");
            }
            assertThat(logs.warnings()).isEmpty();
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"{T};", "{T} ;", "{T};;", "{T}; charset=utf-8;", "{T};charset=\"UTF-8\"",
            "{UPPER}; CHARSET=Utf-8", "{T}; q=1"})
    void aWellFormedMediaTypeWithEmptyOrExtraParametersIsAccepted(String mediaType) {
        for (Target target : targets()) {
            String contentType = mediaType.replace("{T}", target.mediaType())
                    .replace("{UPPER}", target.mediaType().toUpperCase(java.util.Locale.ROOT));
            HttpResponse<String> response = Http.send(post(SERVER.uri(target.path()), contentType,
                    target.authorization(), target.body().getBytes(StandardCharsets.UTF_8)));

            assertThat(response.statusCode()).as("%s [%s] %s", target.path(), contentType, response.body())
                    .isIn(200, 201);
        }
    }

    @AfterAll
    static void serverStillAnswersAValidRequest() throws Exception {
        assertThat(OAuth.clientCredentials(SERVER, client).getTokens().getAccessToken()).isNotNull();
    }
}
