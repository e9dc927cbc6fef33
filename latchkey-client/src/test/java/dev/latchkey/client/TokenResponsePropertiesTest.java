package dev.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Whatever shape a server writes its response in, and however far its clock is from ours, the
 * expiry read back is the same instant on our clock.
 */
class TokenResponsePropertiesTest {

    enum Shape { RFC6749, FLOAT_TTL_DATETIME, CAMEL_CASE, CREDENTIALS_ISSUED_AT, ABSOLUTE_EXPIRY }

    /** The server's response for a token issued at server time {@code issued} living {@code ttl} seconds. */
    static String write(Shape shape, long issued, int ttl) {
        String datetime = DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(issued));
        return switch (shape) {
            case RFC6749 -> "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"expires_in\":" + ttl
                    + ",\"created_at\":" + issued + "}";
            case FLOAT_TTL_DATETIME -> "{\"access_token\":\"a\",\"token_type\":\"bearer\",\"expires_in\":" + ttl
                    + ".0,\"created_at\":\"" + datetime + "\"}";
            case CAMEL_CASE -> "{\"accessToken\":\"a\",\"tokenType\":\"Bearer\",\"expiresIn\":" + ttl
                    + ",\"createdAt\":" + issued + "}";
            case CREDENTIALS_ISSUED_AT -> "{\"access_token\":\"a\",\"refresh_token\":\"r\",\"issued_at\":\""
                    + datetime + "\",\"expires_in\":" + ttl + "}";
            case ABSOLUTE_EXPIRY -> "{\"token_type\":\"jwt\",\"access_token\":\"a\",\"refresh_token\":\"r\","
                    + "\"expires_in\":" + (issued + ttl) + ",\"scope\":\"\"}";
        };
    }

    @Property
    void everyShapeReadsBackToTheSameExpiryOnOurClock(@ForAll Shape shape,
            @ForAll @LongRange(min = 1_500_000_000L, max = 2_500_000_000L) long clientNow,
            @ForAll @IntRange(min = 1, max = 30 * 86400) int ttl,
            @ForAll @IntRange(min = -3600, max = 3600) int skew) {
        long serverNow = clientNow + skew; // skew = server clock - client clock
        Instant received = Instant.ofEpochSecond(clientNow);

        TokenResponse response = TokenResponse.parse(write(shape, serverNow, ttl), received,
                Instant.ofEpochSecond(serverNow));

        assertThat(response.expiresAt()).contains(received.plusSeconds(ttl));
        assertThat(response.clockSkew().getSeconds()).isEqualTo(skew);
    }

    @Property
    void anyTextEitherParsesOrThrowsTheDocumentedException(@ForAll String text) {
        try {
            TokenResponse.parse(text, Instant.EPOCH);
        } catch (TokenResponseException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property
    void anyJsonObjectWithAnAccessTokenEitherParsesOrThrowsTheDocumentedException(
            @ForAll String key, @ForAll String value, @ForAll long number) {
        String json = "{\"access_token\":\"a\"," + quote(key) + ":" + quote(value) + ",\"expires_in\":" + number
                + ",\"created_at\":" + quote(value) + "}";
        try {
            TokenResponse.parse(json, Instant.EPOCH);
        } catch (TokenResponseException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            out.append(c == '"' || c == '\\' || c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.append('"').toString();
    }
}
