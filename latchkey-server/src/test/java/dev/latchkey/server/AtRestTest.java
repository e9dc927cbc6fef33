package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import dev.latchkey.core.key.MasterKey;
import dev.latchkey.server.config.DataDirectory;
import dev.latchkey.server.testing.OAuth;
import dev.latchkey.server.testing.TestClient;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.store.jdbc.JdbcStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What reaches the disk: hashes of tokens and secrets, sealed private keys, never a usable secret. */
class AtRestTest {

    @Test
    void databaseHoldsNoTokenSecretOrPrivateKeyInClear() throws Exception {
        List<String> secrets = new ArrayList<>();
        Path dataDir;
        try (TestServer server = TestServer.startNew(config -> config)) {
            dataDir = server.dataDir();
            TestClient client = server.registerRefreshClient(Map.of("access_token_format", "opaque",
                    "refresh_token_grace_seconds", 60));
            secrets.add(client.secret());
            secrets.add(client.registrationToken());
            AccessTokenResponse first = OAuth.clientCredentials(server, client);
            AccessTokenResponse second = OAuth.refresh(server, client, first.getTokens().getRefreshToken().getValue())
                    .toSuccessResponse();
            for (AccessTokenResponse response : List.of(first, second)) {
                secrets.add(response.getTokens().getAccessToken().getValue());
                secrets.add(response.getTokens().getRefreshToken().getValue());
            }
            MasterKey masterKey = MasterKey.parse(Files.readString(dataDir.resolve(DataDirectory.MASTER_KEY_FILE)));
            server.server().assembly().keys().ring().all().forEach(key -> assertThat(key.publicJwk().isPrivate()).isFalse());
            secrets.add(privateKeyD(server));
            assertThat(masterKey).isNotNull();
            assertThat(JdbcStores.sqliteIntegrityCheck(server.config().jdbcUrl())).isEqualTo("ok");

            String everything = databaseBytes(dataDir);
            for (String secret : secrets) {
                assertThat(everything).as("database files contain a secret in clear").doesNotContain(secret);
            }
        }
    }

    // The Ed25519 private scalar, read back through the server's own key manager.
    private static String privateKeyD(TestServer server) throws Exception {
        var stored = server.server().assembly().stores().keys().all().get(0);
        MasterKey masterKey = MasterKey.parse(Files.readString(server.dataDir().resolve(DataDirectory.MASTER_KEY_FILE)));
        String privateJwk = new String(masterKey.open(stored.sealedPrivateJwk(),
                ("latchkey-key:" + stored.kid()).getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        return com.nimbusds.jose.jwk.JWK.parse(privateJwk).toOctetKeyPair().getD().toString();
    }

    private static String databaseBytes(Path dataDir) throws Exception {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(dataDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("latchkey.db")).toList()) {
                all.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            }
        }
        return all.toString();
    }

    /** Issue 12, item 12: the database, its write-ahead log and its shared memory are the owner's alone. */
    @Test
    void theDatabaseFilesAreReadableByTheirOwnerOnlyAndAreMadeSoAtStart() throws Exception {
        try (TestServer server = TestServer.startNew(config -> config)) {
            TestClient client = server.register(Map.of("scope", "read", "access_token_format", "opaque"));
            OAuth.clientCredentials(server, client);
            List<Path> files = List.of(server.dataDir().resolve("latchkey.db"), server.dataDir().resolve("latchkey.db-wal"),
                    server.dataDir().resolve("latchkey.db-shm"));
            for (Path file : files) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString())
                        .isEqualTo("rw-------");
            }

            server.stop();
            for (Path file : files) {
                if (Files.exists(file)) {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
            server.start();

            for (Path file : files) {
                if (Files.exists(file)) {
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString())
                            .isEqualTo("rw-------");
                }
            }
        }
    }
}
