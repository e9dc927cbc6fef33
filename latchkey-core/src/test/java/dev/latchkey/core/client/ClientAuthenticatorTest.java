package dev.latchkey.core.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.error.OAuthException;
import dev.latchkey.core.secret.ClientSecret;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientAuthenticatorTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private final ClientSecret one = ClientSecret.generate();
    private final ClientSecret two = ClientSecret.generate();
    private final ClientSecret three = ClientSecret.generate();

    private RegisteredClient client(boolean disabled, StoredSecret... secrets) {
        return RegisteredClient.registered("c", secrets[0], "r",
                ClientMetadata.parse(Map.of("scope", "read"), ClientLimits.defaults()), NOW, null)
                .withSecrets(List.of(secrets)).withDisabled(disabled);
    }

    private static StoredSecret stored(String id, ClientSecret secret, Instant expiresAt) {
        return new StoredSecret(id, id, secret.hash(), NOW, expiresAt, null);
    }

    private static ClientAuthenticator.Authenticated authenticate(RegisteredClient client, ClientSecret secret,
            AuthMethod method) {
        return ClientAuthenticator.authenticate(new ClientCredentials("c", secret, method), Optional.of(client), NOW);
    }

    @Test
    void anyLiveSecretAuthenticatesAndIsNamed() {
        RegisteredClient client = client(false, stored("s1", one, null), stored("s2", two, NOW.plusSeconds(1)),
                stored("s3", three, null));
        assertThat(authenticate(client, one, AuthMethod.CLIENT_SECRET_BASIC).secretId()).isEqualTo("s1");
        assertThat(authenticate(client, two, AuthMethod.CLIENT_SECRET_BASIC).secretId()).isEqualTo("s2");
        assertThat(authenticate(client, three, AuthMethod.CLIENT_SECRET_BASIC).secretId()).isEqualTo("s3");
    }

    @Test
    void anExpiredSecretADisabledClientAnUnknownClientAndAnotherMethodAreInvalidClient() {
        RegisteredClient client = client(false, stored("s1", one, NOW), stored("s2", two, null));
        assertThatThrownBy(() -> authenticate(client, one, AuthMethod.CLIENT_SECRET_BASIC))
                .as("expires at NOW: not live").isInstanceOf(OAuthException.class);
        assertThatThrownBy(() -> authenticate(client(true, stored("s1", one, null)), one, AuthMethod.CLIENT_SECRET_BASIC))
                .isInstanceOf(OAuthException.class);
        assertThatThrownBy(() -> authenticate(client, two, AuthMethod.CLIENT_SECRET_POST))
                .isInstanceOf(OAuthException.class);
        assertThatThrownBy(() -> ClientAuthenticator.authenticate(new ClientCredentials("c", one,
                AuthMethod.CLIENT_SECRET_BASIC), Optional.empty(), NOW))
                .isInstanceOfSatisfying(OAuthException.class,
                        e -> assertThat(e.error().code()).isEqualTo("invalid_client"));
    }
}
