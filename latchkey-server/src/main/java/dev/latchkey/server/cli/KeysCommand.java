package dev.latchkey.server.cli;

import dev.latchkey.core.store.record.StoredKey;
import dev.latchkey.server.Assembly;
import dev.latchkey.server.config.ServerConfig;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code latchkey keys rotate}: adds a signing key. Running servers publish it within their change
 * poll interval and sign with it once the activation delay has passed; the old key stays
 * published until the tokens it signed have expired.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage signing keys.",
        subcommands = {KeysCommand.Rotate.class, KeysCommand.ListKeys.class, KeysCommand.Reset.class})
final class KeysCommand {

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Add a new signing key (of --signing-alg) that signs after --key-activation-delay; with"
                    + " --id-token-alg, a new id_token key of that algorithm instead.")
    static final class Rotate implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions options;

        @picocli.CommandLine.Option(names = "--id-token-alg",
                description = "Rotate the id_token key of this algorithm (RS256, ES256 or EdDSA): published now, it"
                        + " signs id_tokens after --key-activation-delay, as access token keys do.")
        dev.latchkey.core.key.SigningAlgorithm idTokenAlgorithm;

        @Override
        public Integer call() {
            ServerConfig config = options.toConfig();
            try (Assembly latchkey = Assembly.open(config, config.issuerFor(config.port()), Clock.systemUTC())) {
                StoredKey key = idTokenAlgorithm == null ? latchkey.keys().rotate(config.signingAlgorithm())
                        : latchkey.idKeys().rotate(idTokenAlgorithm);
                latchkey.stores().audit().append(new dev.latchkey.core.audit.AuditEvents(Clock.systemUTC()).event(
                        dev.latchkey.core.audit.Actor.commandLine(), "key.rotate", "key", key.kid(), null, null,
                        java.util.Map.of("algorithm", key.algorithm(), "activates_at", key.activatesAt().toString(),
                                "purpose", key.purpose())));
                PrintWriter out = spec.commandLine().getOut();
                out.printf("New %s key %s is published now and signs from %s%n", key.algorithm(), key.kid(),
                        key.activatesAt());
                out.flush();
            }
            return 0;
        }
    }

    /**
     * {@code latchkey keys reset --yes}: the recovery from a lost master key. The signing keys in the
     * store are sealed under it and cannot be opened; this deletes them (without opening them), so
     * the next {@code serve} makes a new key under the master key it has. Every token signed with
     * the old keys stops verifying; refresh and opaque tokens keep working (they are not signed).
     */
    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = "Delete every signing key (after a lost master key); JWTs signed with them stop verifying.")
    static final class Reset implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions options;

        @picocli.CommandLine.Option(names = "--yes", description = "Confirm: every JWT issued so far stops verifying.")
        boolean confirmed;

        @Override
        public Integer call() {
            ServerConfig config = options.toConfig();
            if (!confirmed) {
                throw new IllegalArgumentException("keys reset deletes every signing key: every JWT issued so far stops"
                        + " verifying. Run it again with --yes to confirm.");
            }
            if (config.dbUrl() == null) {
                BackupCommand.sqliteFile(config); // a data directory that holds a database, not a new one
            }
            try (dev.latchkey.store.jdbc.JdbcStores stores = dev.latchkey.store.jdbc.JdbcStores.open(config.jdbcUrl())) {
                int deleted = stores.keys().deleteAll(Clock.systemUTC().instant());
                stores.audit().append(new dev.latchkey.core.audit.AuditEvents(Clock.systemUTC()).event(
                        dev.latchkey.core.audit.Actor.commandLine(), "key.reset", "key", "*", null, null,
                        java.util.Map.of("deleted", deleted)));
                PrintWriter out = spec.commandLine().getOut();
                out.printf("Deleted %d signing keys. The next start makes a new key under its master key;"
                        + " running servers drop the old keys within their change poll interval.%n", deleted);
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the signing keys: id, algorithm, status (next, current, retired), age, published.")
    static final class ListKeys implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions options;

        @Override
        public Integer call() {
            ServerConfig config = options.toConfig();
            try (Assembly latchkey = Assembly.open(config, config.issuerFor(config.port()), Clock.systemUTC())) {
                java.time.Instant now = java.time.Instant.now();
                PrintWriter out = spec.commandLine().getOut();
                for (var manager : java.util.List.of(latchkey.keys(), latchkey.idKeys())) {
                    String purpose = manager == latchkey.keys() ? "access" : "id_token";
                    for (var key : manager.ring().states(now, manager.maxTokenTtl())) {
                        out.printf("%s\t%s\t%s\t%s\tcreated %s\tsigns from %s\t%s%n", key.kid(),
                                key.algorithm().jws().getName(), purpose, key.status(), key.createdAt(),
                                key.activatesAt(), key.published() ? "published" : "unpublished");
                    }
                }
                out.flush();
            }
            return 0;
        }
    }
}
