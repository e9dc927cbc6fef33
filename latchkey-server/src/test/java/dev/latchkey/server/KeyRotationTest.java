package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.latchkey.server.cli.Commands;
import dev.latchkey.server.testing.Http;
import dev.latchkey.server.testing.Jwts;
import dev.latchkey.server.testing.OAuth;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KeyRotationTest {

    @RegisterExtension
    static final TestServer SERVER = new TestServer(config -> config.toBuilder().keyActivationDelay(Duration.ofSeconds(10)).build());

    private static List<String> publishedKids() throws Exception {
        return JWKSet.parse(Http.get(SERVER.uri("/oauth2/jwks")).body()).getKeys().stream().map(JWK::getKeyID).toList();
    }

    private static String kidOf(String jwt) throws Exception {
        return JWSObject.parse(jwt).getHeader().getKeyID();
    }

    @Test
    void rotatedKeyIsPublishedAtOnceSignsAfterTheDelayAndTheOldKeyStaysUntilItsTokensExpire() throws Exception {
        TestClient client = SERVER.register(Map.of("scope", "read", "access_token_ttl", 600));
        String beforeRotation = OAuth.clientCredentials(SERVER, client).getTokens().getAccessToken().getValue();
        String oldKid = kidOf(beforeRotation);
        assertThat(publishedKids()).containsExactly(oldKid);

        StringWriter out = new StringWriter();
        int exit = Commands.commandLine().setOut(new PrintWriter(out)).execute("keys", "rotate",
                "--data-dir", SERVER.dataDir().toString(), "--key-activation-delay", "10");
        assertThat(exit).isZero();
        assertThat(out.toString()).contains("is published now and signs from");

        await().atMost(Duration.ofSeconds(5)).until(() -> publishedKids().size() == 2);
        String newKid = publishedKids().stream().filter(kid -> !kid.equals(oldKid)).findFirst().orElseThrow();
        String duringDelay = OAuth.clientCredentials(SERVER, client).getTokens().getAccessToken().getValue();
        assertThat(kidOf(duringDelay)).as("a published key does not sign before its delay").isEqualTo(oldKid);

        SERVER.clock().advance(Duration.ofSeconds(30));
        String afterDelay = OAuth.clientCredentials(SERVER, client).getTokens().getAccessToken().getValue();
        assertThat(kidOf(afterDelay)).isEqualTo(newKid);
        assertThat(publishedKids()).containsExactlyInAnyOrder(oldKid, newKid);
        assertThat(Jwts.verify(SERVER, beforeRotation, JWSAlgorithm.EdDSA).getSubject()).isEqualTo(client.id());
        assertThat(Jwts.verify(SERVER, afterDelay, JWSAlgorithm.EdDSA).getSubject()).isEqualTo(client.id());
        assertThat(OAuth.introspect(SERVER, client, beforeRotation).isActive()).isTrue();

        // The old key retires when the new one starts signing; it is kept for the longest token lifetime.
        SERVER.clock().advance(SERVER.config().limits().maxAccessTokenTtl());
        assertThat(publishedKids()).containsExactly(newKid);
    }
}
