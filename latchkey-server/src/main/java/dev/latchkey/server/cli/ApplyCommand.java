package dev.latchkey.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.latchkey.core.audit.Actor;
import dev.latchkey.core.client.ClientMetadata;
import dev.latchkey.core.manage.CatalogueManagement.ScopeSpec;
import dev.latchkey.core.manage.Declarations;
import dev.latchkey.core.manage.Declarations.Action;
import dev.latchkey.core.manage.Declarations.Desired;
import dev.latchkey.core.manage.Declarations.DesiredApi;
import dev.latchkey.core.manage.Declarations.DesiredClient;
import dev.latchkey.core.manage.Declarations.Step;
import dev.latchkey.core.secret.ClientSecret;
import dev.latchkey.server.Assembly;
import dev.latchkey.server.config.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code latchkey apply -f clients.toml [--dry-run] [--prune]}: APIs and client applications declared
 * in a TOML file, created or changed to match it, idempotently ({@link Declarations}). Secrets in the
 * file are references, never values: {@code secret = { env = "NAME" }} or {@code secret = { file =
 * "path" }}; a client without one gets a generated secret at creation, printed once.
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = "Create and update APIs and clients from a TOML file; the same file twice changes nothing.")
final class ApplyCommand implements Callable<Integer> {

    /** A referenced secret's bounds: as strong as a generated one (256 bits in base64url), and sane. */
    static final int MIN_SECRET = 32;
    static final int MAX_SECRET = 512;

    private static final Set<String> TOP = Set.of("apis", "clients");
    private static final Set<String> API_KEYS = Set.of("name", "identifier", "description", "scopes");
    private static final Set<String> SCOPE_KEYS = Set.of("value", "description", "restricted");

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "The file of APIs and clients.")
    Path file;

    @Option(names = "--dry-run", description = "Print what would change, change nothing.")
    boolean dryRun;

    @Option(names = "--prune", description = "Delete what an earlier apply created and the file no longer lists.")
    boolean prune;

    @Override
    public Integer call() {
        ServerConfig config = options.toConfig();
        Desired desired = read(file, config, System::getenv);
        PrintWriter out = spec.commandLine().getOut();
        try (Assembly latchkey = Assembly.open(config, config.issuerFor(config.port()), Clock.systemUTC())) {
            Declarations declarations = new Declarations(latchkey.clientManagement(), latchkey.catalogueManagement(),
                    latchkey.stores().declarations(), new Actor("cli:apply", null, true, null), Clock.systemUTC());
            List<Step> steps = dryRun ? declarations.plan(desired, prune) : declarations.apply(desired, prune);
            print(out, steps, dryRun);
        }
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, List<Step> steps, boolean dryRun) {
        if (dryRun) {
            out.println("# dry run: nothing was changed");
        }
        int changed = 0;
        for (Step step : steps) {
            String id = step.objectId() == null ? "" : " (" + step.objectId() + ")";
            String what = step.kind() + " " + step.name() + id;
            switch (step.action()) {
                case CREATE -> out.println("+ " + what + (dryRun ? " would be created" : " created"));
                case UPDATE -> {
                    out.println("~ " + what + (dryRun ? " would change" : " changed"));
                    step.changes().forEach(change -> out.println("    " + change));
                }
                case UNCHANGED -> out.println("= " + what + " unchanged");
                case DELETE -> out.println("- " + what + (dryRun ? " would be deleted" : " deleted"));
                case ORPHANED -> out.println("! " + what + " is no longer in the file; kept (--prune deletes it)");
                default -> throw new IllegalStateException(step.action().name());
            }
            if (step.newSecret() != null) {
                out.println("    client_id: " + step.objectId());
                out.println("    client_secret: " + step.newSecret().value() + "   (shown once: keep it now)");
            }
            if (step.action() != Action.UNCHANGED && step.action() != Action.ORPHANED) {
                changed++;
            }
        }
        out.println(changed == 0 ? "Nothing to change." : changed + (dryRun ? " to change." : " changed."));
    }

    /** Reads and checks the whole file before anything changes: a typo stops the apply, in one line. */
    static Desired read(Path file, ServerConfig config, java.util.function.Function<String, String> environment) {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not valid TOML: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        keys(file, "", root, TOP);
        List<DesiredApi> apis = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : tables(file, root.get("apis"), "apis")) {
            apis.add(api(file, entry.getKey(), entry.getValue()));
        }
        Set<String> members = clientMembers(config);
        List<DesiredClient> clients = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : tables(file, root.get("clients"), "clients")) {
            clients.add(client(file, entry.getKey(), entry.getValue(), members, environment));
        }
        return new Desired(apis, clients);
    }

    private static DesiredApi api(Path file, String name, JsonNode table) {
        String where = "[apis." + name + "]";
        keys(file, where, table, API_KEYS);
        String identifier = text(file, where, table, "identifier", true);
        URI uri;
        try {
            uri = URI.create(identifier);
        } catch (IllegalArgumentException e) {
            throw invalid(file, where + " identifier is not a URI: " + identifier);
        }
        List<ScopeSpec> scopes = new ArrayList<>();
        JsonNode list = table.get("scopes");
        if (list != null) {
            if (!list.isArray()) {
                throw invalid(file, where + " scopes must be a list of { value, description, restricted }");
            }
            for (JsonNode scope : list) {
                String at = where + " scope";
                if (!scope.isObject()) {
                    throw invalid(file, where + " scopes must be a list of { value, description, restricted }");
                }
                keys(file, at, scope, SCOPE_KEYS);
                JsonNode restricted = scope.get("restricted");
                if (restricted != null && !restricted.isBoolean()) {
                    throw invalid(file, at + " restricted must be true or false");
                }
                scopes.add(new ScopeSpec(text(file, at, scope, "value", true), text(file, at, scope, "description", false),
                        restricted != null && restricted.booleanValue()));
            }
        }
        return new DesiredApi(name, text(file, where, table, "name", true), uri,
                text(file, where, table, "description", false), scopes);
    }

    private static DesiredClient client(Path file, String name, JsonNode table, Set<String> members,
            java.util.function.Function<String, String> environment) {
        String where = "[clients." + name + "]";
        keys(file, where, table, members);
        Map<String, Object> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = table.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getKey().equals("secret") && !field.getKey().equals("disabled")) {
                metadata.put(field.getKey(), new ObjectMapper().convertValue(field.getValue(), Object.class));
            }
        }
        JsonNode disabled = table.get("disabled");
        if (disabled != null && !disabled.isBoolean()) {
            throw invalid(file, where + " disabled must be true or false");
        }
        return new DesiredClient(name, metadata, disabled != null && disabled.booleanValue(),
                secret(file, where, table.get("secret"), environment));
    }

    /** A secret reference, resolved now: {@code { env = "NAME" }} or {@code { file = "path" }}. */
    private static ClientSecret secret(Path file, String where, JsonNode reference,
            java.util.function.Function<String, String> environment) {
        if (reference == null) {
            return null;
        }
        if (!reference.isObject() || reference.size() != 1 || !(reference.has("env") || reference.has("file"))
                || !reference.elements().next().isTextual()) {
            throw invalid(file, where + " secret must be a reference, { env = \"NAME\" } or { file = \"path\" },"
                    + " never the secret itself");
        }
        String value;
        if (reference.has("env")) {
            String variable = reference.get("env").asText();
            value = environment.apply(variable);
            if (value == null) {
                throw invalid(file, where + " secret names the environment variable " + variable + ", which is not set");
            }
        } else {
            Path secretFile = file.toAbsolutePath().getParent().resolve(reference.get("file").asText());
            try {
                value = Files.readString(secretFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw invalid(file, where + " secret names the file " + secretFile + ", which cannot be read");
            }
        }
        value = value.strip();
        if (value.length() < MIN_SECRET || value.length() > MAX_SECRET) {
            throw invalid(file, where + " secret must be " + MIN_SECRET + " to " + MAX_SECRET + " characters long");
        }
        return new ClientSecret(value);
    }

    /** The members a client's table may hold: RFC 7591 names as the server answers them, and ours. */
    private static Set<String> clientMembers(ServerConfig config) {
        Set<String> members = new TreeSet<>(ClientMetadata.parse(Map.of("grant_types", List.of("authorization_code"),
                "redirect_uris", List.of("https://app.example/cb"), "client_name", "x", "description", "x"),
                config.limits()).toJson().keySet());
        members.addAll(List.of("secret", "disabled"));
        return members;
    }

    private static List<Map.Entry<String, JsonNode>> tables(Path file, JsonNode node, String what) {
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        if (node == null) {
            return entries;
        }
        if (!node.isObject()) {
            throw invalid(file, what + " must be tables: [" + what + ".NAME]");
        }
        node.fields().forEachRemaining(entry -> {
            if (!entry.getValue().isObject()) {
                throw invalid(file, what + "." + entry.getKey() + " must be a table: [" + what + "." + entry.getKey() + "]");
            }
            entries.add(entry);
        });
        return entries;
    }

    private static void keys(Path file, String where, JsonNode table, Set<String> valid) {
        table.fieldNames().forEachRemaining(key -> {
            if (!valid.contains(key)) {
                throw invalid(file, (where.isEmpty() ? "" : where + " ") + "unknown key \"" + key + "\""
                        + ConfigFile.suggestion(key, valid));
            }
        });
    }

    private static String text(Path file, String where, JsonNode table, String key, boolean required) {
        JsonNode value = table.get(key);
        if (value == null || value.isNull()) {
            if (required) {
                throw invalid(file, where + " " + key + " is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw invalid(file, where + " " + key + " must be a string");
        }
        return value.asText();
    }

    private static IllegalArgumentException invalid(Path file, String message) {
        return new IllegalArgumentException(file + ": " + message);
    }
}
