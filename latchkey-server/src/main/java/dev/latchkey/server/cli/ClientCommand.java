package dev.latchkey.server.cli;

import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.registry.ClientRegistrar;
import dev.latchkey.server.Assembly;
import dev.latchkey.server.config.ServerConfig;
import dev.latchkey.server.render.ClientResponses;
import dev.latchkey.server.render.Json;
import dev.latchkey.server.web.Routes;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code latchkey client create}: registers a client directly in the store, as RFC 7591 would. */
@Command(name = "client", mixinStandardHelpOptions = true, description = "Manage clients.",
        subcommands = ClientCommand.Create.class)
final class ClientCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Register a client and print its id, secret and registration access token as JSON.")
    static final class Create implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions options;

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

        @Override
        public Integer call() {
            ServerConfig config = options.toConfig();
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
            String issuer = config.issuerFor(config.port());
            try (Assembly latchkey = Assembly.open(config, issuer, Clock.systemUTC())) {
                ClientMetadata metadata = ClientMetadata.parse(json, config.limits());
                ClientRegistrar.Registration registration = latchkey.registrar().register(metadata, Actor.commandLine(), null);
                Map<String, Object> body = ClientResponses.body(registration.client(), registration.secret(),
                        registration.registrationAccessToken(), issuer + Routes.REGISTER);
                PrintWriter out = spec.commandLine().getOut();
                out.println(new String(Json.bytes(body), StandardCharsets.UTF_8));
                out.flush();
            }
            return 0;
        }

        private static void putIfSet(Map<String, Object> json, String name, Object value) {
            if (value != null) {
                json.put(name, value);
            }
        }
    }
}
