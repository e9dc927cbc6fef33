package dev.latchkey.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.client.TokenFormat;
import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.scope.Scope;
import dev.latchkey.core.secret.AccessToken;
import dev.latchkey.core.secret.RefreshToken;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IssuedTokensTest {

    @Test
    void binaryFormReadsBackTheSamePair() {
        IssuedTokens tokens = new IssuedTokens(new AccessToken("access"), TokenFormat.OPAQUE,
                Instant.ofEpochSecond(100), Instant.ofEpochSecond(160), Scope.parse("a b", OAuthError.SERVER_ERROR),
                Optional.of(new RefreshToken("refresh")));

        assertThat(IssuedTokens.fromBytes(tokens.toBytes())).isEqualTo(tokens);
        assertThat(tokens.expiresIn()).isEqualTo(60);
    }

    @Test
    void secretsPrintAsFingerprintsOnly() {
        IssuedTokens tokens = new IssuedTokens(new AccessToken("access-token-value"), TokenFormat.JWT,
                Instant.EPOCH, Instant.EPOCH, Scope.EMPTY, Optional.of(new RefreshToken("refresh-token-value")));

        assertThat(tokens.toString()).doesNotContain("access-token-value").doesNotContain("refresh-token-value")
                .contains("sha256:");
    }
}
