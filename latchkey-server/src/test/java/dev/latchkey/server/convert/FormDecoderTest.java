package dev.latchkey.server.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.error.OAuthException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.NotEmpty;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class FormDecoderTest {

    @Property
    void whatAStandardEncoderWritesDecodesToTheSameParameters(
            @ForAll @Size(max = 6) Map<@NotEmpty @StringLength(max = 30) String, @NotEmpty @StringLength(max = 60) String> form) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));

        Form decoded = FormDecoder.decode(body.getBytes(StandardCharsets.US_ASCII));

        assertThat(decoded.parameters()).isEqualTo(form.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))));
    }

    @Property
    void anyBytesEitherDecodeOrAreInvalidRequestNeverAnotherFailure(@ForAll @Size(max = 200) byte[] body) {
        try {
            FormDecoder.decode(body);
        } catch (OAuthException e) {
            assertThat(e.error().code()).isEqualTo("invalid_request");
        }
    }

    @Test
    void emptyValuesAreOmittedAndRepeatsAreKeptForTheCallerToRefuse() {
        Form form = FormDecoder.decode("a=&b=1&b=2&c".getBytes(StandardCharsets.US_ASCII));

        assertThat(form.parameters()).containsOnlyKeys("b");
        assertThat(form.all("b")).containsExactly("1", "2");
        assertThatThrownBy(() -> form.single("b")).isInstanceOf(OAuthException.class).hasMessageContaining("repeated");
    }

    @Test
    void plusIsASpaceAndPercentEscapesAreUtf8() {
        Form form = FormDecoder.decode("scope=read+write&name=%C3%A9t%C3%A9".getBytes(StandardCharsets.US_ASCII));

        assertThat(form.single("scope")).isEqualTo("read write");
        assertThat(form.single("name")).isEqualTo("\u00e9t\u00e9");
    }
}
