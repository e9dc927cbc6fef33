package dev.latchkey.server.cli;

import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.client.RegisteredClient;
import dev.latchkey.core.client.StoredSecret;
import dev.latchkey.core.manage.ClientManagement;
import dev.latchkey.core.registry.ClientRegistrar;
import dev.latchkey.core.store.Page;
import dev.latchkey.server.Assembly;
import dev.latchkey.server.config.ServerConfig;
import dev.latchkey.server.dashboard.Shapes;
import dev.latchkey.server.render.ClientResponses;
import dev.latchkey.server.render.Json;
import dev.latchkey.server.web.Routes;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code latchkey client ...}: client applications from the command line, through the same
 * management services as the dashboard and the admin API (audited as {@code cli}). Works while the
 * server runs: every change reaches it through the change log. Every command but {@code serve}
 * refuses a data directory that holds no installation.
 */
@Command(name = "client", mixinStandardHelpOptions = true, description = "Manage client applications.",
        subcommands = {ClientCommand.Create.class, ClientCommand.ListClients.class, ClientCommand.Show.class,
                ClientCommand.Delete.class, ClientCommand.SecretCommand.class, ClientCommand.RevokeTokens.class})
final class ClientCommand {

    /** What every client command shares: the settings, where to print, and the installation's services. */
    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions options;

        /** Runs {@code work} on the installation and prints what it answers as JSON. */
        int run(Function<Assembly, Object> work) {
            ServerConfig config = options.toConfig();
            try (Assembly latchkey = Assembly.open(config, config.issuerFor(config.port()), Clock.systemUTC())) {
                Object answer = work.apply(latchkey);
                PrintWriter out = spec.commandLine().getOut();
                if (answer instanceof String text) {
                    out.println(text);
                } else if (answer != null) {
                    out.println(new String(Json.bytes(answer), StandardCharsets.UTF_8));
                }
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Register a client and print its id, secret and registration access token as JSON.")
    static final class Create extends Base {

        @Option(names = "--name", description = "client_name")
        String name;

        @Option(names = "--scope", description = "Scopes the client may request, space separated.")
        String scope;

        @Option(names = "--grant-types", split = ",", defaultValue = "client_credentials",
                description = "client_credentials and/or refresh_token (default ${DEFAULT-VALUE}).")
        List<String> grantTypes;

        @Option(names = "--auth-method", description = "client_secret_basic (default) or client_secret_post.")
        String authMethod;

        @Option(names = "--access-token-format", description = "jwt (default) or opaque.")
        String accessTokenFormat;

        @Option(names = "--access-token-ttl", description = "Seconds (default 3600).")
        Long accessTokenTtl;

        @Option(names = "--refresh-token-ttl", description = "Seconds (default 30 days).")
        Long refreshTokenTtl;

        @Option(names = "--refresh-token-grace", description = "Reuse grace window in seconds (default 0).")
        Long refreshTokenGrace;

        @Option(names = "--resource", description = "An RFC 8707 resource the client may ask for; repeatable.")
        List<String> resources;

        @Option(names = "--response-profile", description = "Token response profile (default rfc6749).")
        String responseProfile;

        @Option(names = "--owner", description = "The account id of its owner on the dashboard (default none).")
        String owner;

        @Override
        public Integer call() {
            Map<String, Object> json = new LinkedHashMap<>();
            putIfSet(json, "client_name", name);
            putIfSet(json, "scope", scope);
            putIfSet(json, "grant_types", grantTypes);
            putIfSet(json, "token_endpoint_auth_method", authMethod);
            putIfSet(json, "access_token_format", accessTokenFormat);
            putIfSet(json, "access_token_ttl", accessTokenTtl);
            putIfSet(json, "refresh_token_ttl", refreshTokenTtl);
            putIfSet(json, "refresh_token_grace_seconds", refreshTokenGrace);
            putIfSet(json, "resources", resources);
            putIfSet(json, "response_profile", responseProfile);
            ServerConfig config = options.toConfig();
            // The metadata is checked before the installation is opened: a typo is reported as such.
            ClientMetadata metadata = ClientMetadata.parse(json, config.limits());
            String issuer = config.issuerFor(config.port());
            return run(latchkey -> {
                if (owner != null) {
                    latchkey.accountManagement().find(owner);
                }
                ClientRegistrar.Registration registration =
                        latchkey.registrar().register(metadata, Actor.commandLine(), owner);
                return ClientResponses.body(registration.client(), registration.secret(),
                        registration.registrationAccessToken(), issuer + Routes.REGISTER);
            });
        }

        private static void putIfSet(Map<String, Object> json, String name, Object value) {
            if (value != null) {
                json.put(name, value);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List client applications, newest first: id, status, name, scopes.")
    static final class ListClients extends Base {
        @Option(names = "--search", description = "Part of a name, or a client id.")
        String search;

        @Option(names = "--limit", defaultValue = "50", description = "At most this many (default ${DEFAULT-VALUE}, up to 200).")
        int limit;

        @Option(names = "--cursor", description = "The cursor printed after the previous page.")
        String cursor;

        @Override
        public Integer call() {
            return run(latchkey -> {
                Page<RegisteredClient> page = latchkey.clientManagement().list(Actor.commandLine(), search, cursor, limit);
                StringBuilder text = new StringBuilder();
                for (RegisteredClient client : page.items()) {
                    text.append(client.clientId()).append('\t').append(client.disabled() ? "disabled" : "active")
                            .append('\t').append(client.metadata().clientName() == null ? "-" : client.metadata().clientName())
                            .append('\t').append(client.metadata().scope()).append('\n');
                }
                if (page.nextCursor() != null) {
                    text.append("more: --cursor ").append(page.nextCursor()).append('\n');
                }
                return text.toString().stripTrailing();
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print a client and its secrets (never their values) as JSON.")
    static final class Show extends Base {
        @Parameters(index = "0", paramLabel = "CLIENT_ID")
        String clientId;

        @Override
        public Integer call() {
            return run(latchkey -> Shapes.client(latchkey.clientManagement().show(Actor.commandLine(), clientId),
                    latchkey.catalogueManagement().snapshot(), Instant.now()));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a client: its secrets stop working and every token it holds is revoked.")
    static final class Delete extends Base {
        @Parameters(index = "0", paramLabel = "CLIENT_ID")
        String clientId;

        @Override
        public Integer call() {
            return run(latchkey -> {
                latchkey.clientManagement().delete(Actor.commandLine(), clientId);
                return "Deleted " + clientId;
            });
        }
    }

    @Command(name = "revoke-tokens", mixinStandardHelpOptions = true,
            description = "Revoke every token of a client; its earlier JWTs introspect inactive.")
    static final class RevokeTokens extends Base {
        @Parameters(index = "0", paramLabel = "CLIENT_ID")
        String clientId;

        @Override
        public Integer call() {
            return run(latchkey -> {
                latchkey.clientManagement().revokeTokens(Actor.commandLine(), clientId);
                return "Revoked every token of " + clientId;
            });
        }
    }

    @Command(name = "secret", mixinStandardHelpOptions = true, description = "Manage a client's secrets.",
            subcommands = {SecretCommand.Add.class, SecretCommand.Expire.class, SecretCommand.Revoke.class})
    static final class SecretCommand {

        @Command(name = "add", mixinStandardHelpOptions = true,
                description = "Add a secret (at most three live) and print it as JSON: it is shown this once.")
        static final class Add extends Base {
            @Parameters(index = "0", paramLabel = "CLIENT_ID")
            String clientId;

            @Option(names = "--name", description = "A name for people.")
            String name;

            @Option(names = "--expires-at", description = "Epoch seconds when it stops working (default never).")
            Long expiresAt;

            @Override
            public Integer call() {
                return run(latchkey -> {
                    ClientManagement.NewSecret secret = latchkey.clientManagement().addSecret(Actor.commandLine(),
                            clientId, name, expiresAt == null ? null : Instant.ofEpochSecond(expiresAt));
                    Map<String, Object> json = new LinkedHashMap<>(Shapes.secret(secret.stored(), Instant.now()));
                    json.put("client_secret", secret.value().value());
                    return json;
                });
            }
        }

        @Command(name = "expire", mixinStandardHelpOptions = true,
                description = "Set when a secret stops working (default: now).")
        static final class Expire extends Base {
            @Parameters(index = "0", paramLabel = "CLIENT_ID")
            String clientId;

            @Parameters(index = "1", paramLabel = "SECRET_ID")
            String secretId;

            @Option(names = "--at", description = "Epoch seconds (default now).")
            Long at;

            @Override
            public Integer call() {
                return run(latchkey -> {
                    Instant when = at == null ? Instant.now() : Instant.ofEpochSecond(at);
                    RegisteredClient client = latchkey.clientManagement().expireSecret(Actor.commandLine(), clientId,
                            secretId, when);
                    StoredSecret secret = client.secrets().stream().filter(s -> s.secretId().equals(secretId))
                            .findFirst().orElseThrow();
                    return Shapes.secret(secret, Instant.now());
                });
            }
        }

        @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Remove a secret at once.")
        static final class Revoke extends Base {
            @Parameters(index = "0", paramLabel = "CLIENT_ID")
            String clientId;

            @Parameters(index = "1", paramLabel = "SECRET_ID")
            String secretId;

            @Override
            public Integer call() {
                return run(latchkey -> {
                    latchkey.clientManagement().revokeSecret(Actor.commandLine(), clientId, secretId);
                    return "Revoked secret " + secretId + " of " + clientId;
                });
            }
        }
    }
}
