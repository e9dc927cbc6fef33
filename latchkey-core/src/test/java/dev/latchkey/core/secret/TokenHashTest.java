package dev.latchkey.core.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenHashTest {

    @Test
    void timeOrderedTokensAre51Base64urlCharactersWith256RandomBitsAfterTheTime() {
        Instant issuedAt = Instant.parse("2026-12-02T10:15:30.123Z");
        String token = Secrets.timeOrdered256(issuedAt);

        assertThat(token).matches("[A-Za-z0-9_-]{51}");
        byte[] bytes = Base64.getUrlDecoder().decode(token);
        assertThat(bytes).hasSize(38);
        long millis = 0;
        for (int i = 0; i < 6; i++) {
            millis = millis << 8 | (bytes[i] & 0xFF);
        }
        assertThat(millis).isEqualTo(issuedAt.toEpochMilli());
        Set<String> randomParts = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            randomParts.add(Secrets.timeOrdered256(issuedAt).substring(Secrets.TIME_PREFIX_LENGTH));
        }
        assertThat(randomParts).as("no repeats in the random part").hasSize(1000);
    }

    @Test
    void theStoredFormOfTimeOrderedTokensSortsByIssueTimeAsText() {
        Instant start = Instant.parse("2026-12-02T10:15:30Z");
        List<String> stored = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            stored.add(TokenHash.of(Secrets.timeOrdered256(start.plusMillis(2L * i))).value());
        }

        assertThat(stored).isSorted();
        assertThat(stored.get(0)).matches("[0-9a-f]{12}\\.[A-Za-z0-9_-]{43}");
    }

    @Test
    void timeOrderedIdsSortByTimeAsTextAndCarry128RandomBits() {
        Instant start = Instant.parse("2026-12-02T10:15:30Z");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(Secrets.timeOrdered128(start.plusMillis(2L * i)));
        }
        assertThat(ids).isSorted();
        assertThat(ids.get(0)).as("no dot: a JWT's jti is the family id, a dot, a random part")
                .matches("[0-9a-f]{12}[A-Za-z0-9_-]{22}").startsWith(String.format("%012x", start.toEpochMilli()));
        Set<String> randomParts = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            randomParts.add(Secrets.timeOrdered128(start).substring(12));
        }
        assertThat(randomParts).as("no repeats in the random part").hasSize(1000);
    }

    @Test
    void theStoredFormEndsWithTheSha256OfTheWholeTokenSoItCannotBeReplayed() {
        String token = Secrets.timeOrdered256(Instant.now());

        String stored = TokenHash.of(token).value();

        assertThat(stored).endsWith("." + Secrets.hash(token)).doesNotContain(token.substring(Secrets.TIME_PREFIX_LENGTH));
        assertThat(TokenHash.of(token)).isEqualTo(TokenHash.of(token));
    }

    @Test
    void otherTokensKeepTheirPlainHash() {
        String old = Secrets.random256();
        String notBase64 = "!".repeat(Secrets.TIME_ORDERED_LENGTH);

        assertThat(TokenHash.of(old).value()).isEqualTo(Secrets.hash(old));
        assertThat(TokenHash.of(notBase64).value()).isEqualTo(Secrets.hash(notBase64));
        assertThat(TokenHash.of("x".repeat(60)).value()).isEqualTo(Secrets.hash("x".repeat(60)));
    }
}
