package dev.latchkey.core.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MasterKeyTest {

    private static final byte[] AAD = "row-1".getBytes(StandardCharsets.UTF_8);

    @Test
    void sealedDataOpensOnlyUnderTheSameKeyAndAssociatedData() {
        MasterKey key = MasterKey.generate();
        byte[] sealed = key.seal("secret".getBytes(StandardCharsets.UTF_8), AAD);

        assertThat(new String(key.open(sealed, AAD), StandardCharsets.UTF_8)).isEqualTo("secret");
        assertThatThrownBy(() -> key.open(sealed, "row-2".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> MasterKey.generate().open(sealed, AAD)).isInstanceOf(IllegalStateException.class);
        sealed[sealed.length - 1] ^= 1;
        assertThatThrownBy(() -> key.open(sealed, AAD)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sealingTwiceGivesDifferentCiphertexts() {
        MasterKey key = MasterKey.generate();

        assertThat(key.seal(new byte[] {1}, AAD)).isNotEqualTo(key.seal(new byte[] {1}, AAD));
    }

    @Test
    void encodedFormParsesBackAndPrintsNoKeyMaterial() {
        MasterKey key = MasterKey.generate();
        MasterKey parsed = MasterKey.parse(key.encoded());

        assertThat(parsed.open(key.seal(new byte[] {7}, AAD), AAD)).containsExactly(7);
        assertThat(key.toString()).doesNotContain(key.encoded()).startsWith("MasterKey[sha256:");
    }

    @Test
    void aKeyOfTheWrongLengthIsRefused() {
        assertThatThrownBy(() -> MasterKey.parse("c2hvcnQ=")).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> MasterKey.parse("not base64 at all!")).hasMessageContaining("32 bytes");
    }
}
