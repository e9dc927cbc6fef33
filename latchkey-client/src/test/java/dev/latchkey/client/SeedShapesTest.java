package dev.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.latchkey.client.testing.StubServer.Answer;
import dev.latchkey.client.testing.StubServer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The token manager against a small local server that answers in each seed's shape, as the API it
 * came from would, with real time and four-second tokens: each token is replaced before it expires.
 */
class SeedShapesTest {

    @ParameterizedTest
    @EnumSource(TokenResponsePropertiesTest.Shape.class)
    void theManagerKeepsATokenFreshWhateverShapeTheServerAnswersIn(TokenResponsePropertiesTest.Shape shape) {
        AtomicInteger issued = new AtomicInteger();
        try (StubServer server = new StubServer(seen -> Answer.json(200,
                TokenResponsePropertiesTest.write(shape, Instant.now().getEpochSecond(), 4)
                        .replace("\"a\"", "\"token-" + issued.incrementAndGet() + "\"")))) {
            try (TokenManager tokens = TokenManager.builder(server.uri("/token"))
                    .clientCredentials(ClientAuthentication.post("id", "secret")).build()) {
                assertThat(tokens.getAccessToken()).isEqualTo("token-1");
                Instant firstExpires = tokens.getCredentials().expiresAt();
                assertThat(Duration.between(Instant.now(), firstExpires)).isBetween(Duration.ofSeconds(2),
                        Duration.ofSeconds(5));

                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                        .until(() -> tokens.getAccessToken().equals("token-2"));

                assertThat(Instant.now()).as("renewed before the old token expired").isBefore(firstExpires);
                assertThat(server.seen()).hasSize(2);
            }
        }
    }
}
