package dev.latchkey.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A TOML settings file ({@code --config latchkey.toml}, or {@code LATCHKEY_CONFIG}): its keys are the
 * options' long names without the dashes ({@code port = 8443}); a key at the top applies to every
 * command that has the option, a key in a table named after a command ({@code [client.create]}) to that
 * command only. A value counts only where neither the command line nor the option's environment variable
 * gives one: flags, then environment, then this file, then the defaults.
 *
 * <p>TOML, read with Jackson's TOML module: Jackson is already the JSON library here, and TOML has one
 * obvious way to write a number, a boolean or a list, which YAML's implicit typing does not.
 */
final class ConfigFile {

    static final String OPTION = "--config";
    static final String VARIABLE = "LATCHKEY_CONFIG";

    /** Options a file cannot set: the ones that choose the file or only print something. */
    private static final Set<String> NOT_IN_FILES = Set.of("config", "help", "version");

    private final Path path;
    private final Map<String, String> shared;
    private final Map<String, Map<String, String>> perCommand;

    private ConfigFile(Path path, Map<String, String> shared, Map<String, Map<String, String>> perCommand) {
        this.path = path;
        this.shared = shared;
        this.perCommand = perCommand;
    }

    /** A problem with the file: the message is the one line the user sees. */
    static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message);
        }
    }

    /** The file the arguments name ({@code --config F} or {@code --config=F}), else the variable's. */
    static Optional<Path> named(String[] args, Function<String, String> environment) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) {
                break;
            }
            if (args[i].equals(OPTION) && i + 1 < args.length) {
                return Optional.of(Path.of(args[i + 1]));
            }
            if (args[i].startsWith(OPTION + "=")) {
                return Optional.of(Path.of(args[i].substring(OPTION.length() + 1)));
            }
        }
        String variable = environment.apply(VARIABLE);
        return variable == null || variable.isBlank() ? Optional.empty() : Optional.of(Path.of(variable.trim()));
    }

    static ConfigFile load(Path path) {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(Files.readAllBytes(path));
        } catch (NoSuchFileException e) {
            throw new Invalid("config file " + path + " does not exist");
        } catch (IOException e) {
            // Jackson's message starts with the problem and ends with the location; keep the first line.
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines()
                    .findFirst().orElse("");
            throw new Invalid("config file " + path + " is not valid TOML: " + message);
        }
        if (root == null || !root.isObject()) {
            throw new Invalid("config file " + path + " is not a TOML table");
        }
        Map<String, String> shared = new LinkedHashMap<>();
        Map<String, Map<String, String>> perCommand = new LinkedHashMap<>();
        flatten(path, "", root, shared, perCommand);
        return new ConfigFile(path, shared, perCommand);
    }

    private static void flatten(Path path, String command, JsonNode table, Map<String, String> into,
            Map<String, Map<String, String>> perCommand) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = table.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                String inner = command.isEmpty() ? field.getKey() : command + "." + field.getKey();
                flatten(path, inner, value, perCommand.computeIfAbsent(inner, name -> new LinkedHashMap<>()),
                        perCommand);
            } else {
                into.put(field.getKey(), text(path, field.getKey(), value));
            }
        }
    }

    /** A value as picocli reads it from a command line: a list joined with commas (the options' split). */
    private static String text(Path path, String key, JsonNode value) {
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(text(path, key, item)));
            return String.join(",", items);
        }
        if (value.isValueNode() && !value.isNull()) {
            return value.asText();
        }
        throw new Invalid("config file " + path + ": " + key + " must be a string, number, boolean or list");
    }

    Path path() {
        return path;
    }

    /**
     * Refuses a key no option has and a table no command has, suggesting the closest valid name:
     * a misspelt setting that silently did nothing is worse than an error.
     */
    void check(CommandSpec root) {
        Map<String, Set<String>> commands = new TreeMap<>();
        collect(root, commands);
        Set<String> everyOption = new TreeSet<>();
        commands.values().forEach(everyOption::addAll);
        for (String key : shared.keySet()) {
            if (!everyOption.contains(key)) {
                throw new Invalid("config file " + path + ": unknown key \"" + key + "\"" + suggestion(key, everyOption));
            }
        }
        for (Map.Entry<String, Map<String, String>> table : perCommand.entrySet()) {
            Set<String> options = commands.get(table.getKey());
            if (options == null) {
                boolean parent = commands.keySet().stream().anyMatch(name -> name.startsWith(table.getKey() + "."));
                if (parent && table.getValue().isEmpty()) {
                    continue; // [client] only holding [client.create]
                }
                throw new Invalid("config file " + path + ": unknown table [" + table.getKey() + "]"
                        + suggestion(table.getKey(), commands.keySet()));
            }
            for (String key : table.getValue().keySet()) {
                if (!options.contains(key)) {
                    throw new Invalid("config file " + path + ": unknown key \"" + key + "\" in [" + table.getKey()
                            + "]" + suggestion(key, options));
                }
            }
        }
    }

    private static void collect(CommandSpec command, Map<String, Set<String>> into) {
        Set<String> options = new TreeSet<>();
        for (OptionSpec option : command.options()) {
            String key = key(option);
            if (key != null) {
                options.add(key);
            }
        }
        if (command.parent() != null && !options.isEmpty()) {
            into.put(path(command), options);
        }
        command.subcommands().values().forEach(sub -> collect(sub.getCommandSpec(), into));
    }

    /** The file's key for an option: its long name without the dashes; null for those files cannot set. */
    static String key(OptionSpec option) {
        String name = option.longestName();
        if (!name.startsWith("--")) {
            return null;
        }
        String key = name.substring(2);
        return NOT_IN_FILES.contains(key) ? null : key;
    }

    /** A command's table name: {@code client.create} for {@code latchkey client create}. */
    static String path(CommandSpec command) {
        List<String> names = new ArrayList<>(List.of(command.qualifiedName().split(" ")));
        names.remove(0); // latchkey
        return String.join(".", names);
    }

    /** The value the file gives an option of a command, if any: its command's table first, then the top. */
    Optional<String> valueFor(OptionSpec option) {
        String key = key(option);
        if (key == null) {
            return Optional.empty();
        }
        Map<String, String> table = perCommand.get(path(option.command()));
        if (table != null && table.containsKey(key)) {
            return Optional.of(table.get(key));
        }
        return Optional.ofNullable(shared.get(key));
    }

    /**
     * The environment variable an option falls back on, read from its annotated default
     * ({@code ${env:LATCHKEY_PORT:-8080}}); null when it has none.
     */
    static String variable(OptionSpec option) {
        // The annotation itself: picocli hands out defaults with the variables already resolved.
        String annotated = option.userObject() instanceof java.lang.reflect.Field field
                && field.getAnnotation(CommandLine.Option.class) != null
                ? field.getAnnotation(CommandLine.Option.class).defaultValue() : null;
        if (annotated == null || !annotated.startsWith("${env:")) {
            return null;
        }
        int end = annotated.indexOf(":-");
        int close = annotated.indexOf('}');
        return annotated.substring("${env:".length(), end < 0 ? close : Math.min(end, close));
    }

    /**
     * picocli's default for each option: the file's value, unless the option's environment variable
     * is set (then the annotated default, which reads that variable, stands).
     */
    CommandLine.IDefaultValueProvider defaults(Function<String, String> environment) {
        return (ArgSpec arg) -> {
            if (!(arg instanceof OptionSpec option)) {
                return null;
            }
            String variable = variable(option);
            if (variable != null && environment.apply(variable) != null) {
                return null;
            }
            return valueFor(option).orElse(null);
        };
    }

    /** " (did you mean \"x\"?)" for the closest valid name, if one is close; else empty. */
    static String suggestion(String key, Set<String> valid) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : valid) {
            int distance = distance(key.toLowerCase(Locale.ROOT), candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        boolean close = best != null && (bestDistance <= Math.max(2, key.length() / 3)
                || best.contains(key) || key.contains(best));
        return close ? " (did you mean \"" + best + "\"?)" : "";
    }

    /** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
