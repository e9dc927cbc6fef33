package dev.latchkey.server.cli;

import java.io.PrintWriter;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** {@code latchkey config check}: validates the settings and prints what {@code serve} would run with. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Check settings files.",
        subcommands = ConfigCommand.Check.class)
final class ConfigCommand {

    /** A password inside a JDBC URL: {@code password=...} or {@code //user:password@}. */
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern URL_USER_INFO = Pattern.compile("(//[^/:@]*:)[^@/]*@");

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate the settings (--config FILE, the environment and the flags given) and print the"
                    + " effective configuration as TOML, each value with where it came from, secrets redacted.")
    static final class Check implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions options;

        @Override
        public Integer call() {
            options.toConfig(); // every range and format check serve makes
            Optional<ConfigFile> file = Optional.ofNullable(options.config).map(ConfigFile::load);
            ParseResult parsed = spec.commandLine().getParseResult();
            PrintWriter out = spec.commandLine().getOut();
            out.println("# The settings 'latchkey serve' runs with: flags, then environment variables, then "
                    + file.map(f -> f.path().toString()).orElse("(no --config file)") + ", then defaults.");
            for (OptionSpec option : spec.options()) {
                String key = ConfigFile.key(option);
                if (key == null) {
                    continue;
                }
                String source = source(option, parsed, file);
                Object value = option.getValue();
                if (value == null) {
                    out.println("# " + key + " is not set (" + source + ")");
                } else {
                    out.println(key + " = " + toml(key, value) + "  # " + source);
                }
            }
            secret(out, "LATCHKEY_MASTER_KEY", "master key", "master.key in the data directory");
            secret(out, "LATCHKEY_INITIAL_ACCESS_TOKEN", "initial access token",
                    "initial-access-token in the data directory");
            secret(out, "LATCHKEY_BOOTSTRAP_ADMIN_PASSWORD", "bootstrap admin password", "none");
            out.flush();
            return 0;
        }

        private static String source(OptionSpec option, ParseResult parsed, Optional<ConfigFile> file) {
            if (parsed.hasMatchedOption(option)) {
                return "command line";
            }
            String variable = ConfigFile.variable(option);
            if (variable != null && System.getenv(variable) != null) {
                return "environment " + variable;
            }
            if (file.isPresent() && file.get().valueFor(option).isPresent()) {
                return "file";
            }
            return "default";
        }

        private static void secret(PrintWriter out, String variable, String what, String otherwise) {
            out.println("# " + what + ": " + (System.getenv(variable) != null
                    ? "from " + variable + " (redacted)" : otherwise));
        }
    }

    /** A value as TOML: numbers and booleans bare, strings quoted, lists in brackets, passwords redacted. */
    static String toml(String key, Object value) {
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof Collection<?> items) {
            return items.stream().map(item -> toml(key, item)).collect(Collectors.joining(", ", "[", "]"));
        }
        String text = value.toString();
        if (key.equals("db-url")) {
            text = URL_USER_INFO.matcher(URL_PASSWORD.matcher(text).replaceAll("$1****")).replaceAll("$1****@");
        }
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
