package dev.latchkey.server.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code latchkey} command and its subcommands. */
@Command(name = "latchkey", mixinStandardHelpOptions = true, version = "Latchkey 0.1.0",
        description = "An OAuth 2.0 authorization server.",
        subcommands = {ServeCommand.class, ClientCommand.class, KeysCommand.class, AdminCommand.class,
                UserCommand.class, AuditCommand.class, BackupCommand.class, BackupCommand.Restore.class,
                ConfigCommand.class, ApplyCommand.class, Commands.Version.class,
                CommandLine.HelpCommand.class})
public final class Commands implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static CommandLine commandLine() {
        return configure(new CommandLine(new Commands()));
    }

    /**
     * Only the {@code serve} command, for {@code latchkey serve ...}: it parses and runs exactly as
     * the subcommand of {@link #commandLine()} does, without building the other commands' models
     * first (picocli reads every annotation of every command up front, before the store begins to
     * open: BENCHMARKS.md, "Start"). Call {@code execute} without "serve".
     */
    public static CommandLine serveCommandLine() {
        CommandLine commandLine = configure(new CommandLine(new ServeCommand()));
        commandLine.setCommandName("latchkey serve");
        return commandLine;
    }

    /**
     * Runs {@code args} on {@code commandLine} after reading the settings file they (or
     * {@code LATCHKEY_CONFIG}) name, if any: a file with an unknown key or table stops here, in one line.
     */
    public static int execute(CommandLine commandLine, String[] args, Function<String, String> environment) {
        Optional<Path> named = ConfigFile.named(args, environment);
        if (named.isPresent()) {
            try {
                ConfigFile file = ConfigFile.load(named.get());
                // Checked against every command's options, also when only serve's model was built.
                file.check(commandLine().getCommandSpec());
                commandLine.setDefaultValueProvider(file.defaults(environment));
            } catch (ConfigFile.Invalid e) {
                commandLine.getErr().println("latchkey: " + e.getMessage());
                commandLine.getErr().flush();
                return 2;
            }
        }
        return commandLine.execute(args);
    }

    private static CommandLine configure(CommandLine commandLine) {
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        // A usage error is one line and a hint, not the whole help (which would scroll it away).
        commandLine.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            failed.getErr().println("latchkey: " + describe(e, args));
            failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more.");
            return 2;
        });
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("latchkey: " + e.getMessage());
            return 1;
        });
        return commandLine;
    }

    /**
     * The error, and where a bad value came from: the option's environment variable when the option
     * was not on the command line.
     */
    static String describe(CommandLine.ParameterException e, String[] args) {
        CommandLine.Model.ArgSpec spec = e.getArgSpec();
        if (spec instanceof CommandLine.Model.OptionSpec option && option.longestName().startsWith("--")) {
            // Every option's variable is LATCHKEY_ and its long name in upper snake case (--port: LATCHKEY_PORT).
            String variable = "LATCHKEY_" + option.longestName().substring(2).replace('-', '_')
                    .toUpperCase(java.util.Locale.ROOT);
            boolean onCommandLine = java.util.Arrays.stream(args).anyMatch(arg -> java.util.Arrays.stream(
                    option.names()).anyMatch(name -> arg.equals(name) || arg.startsWith(name + "=")));
            if (!onCommandLine && System.getenv(variable) != null) {
                return "the environment variable " + variable + " (for " + option.longestName() + ") is not valid: "
                        + e.getMessage();
            }
        }
        return e.getMessage();
    }

    /** {@code latchkey version}: the same line as {@code latchkey --version}. */
    @Command(name = "version", description = "Print the version.")
    static final class Version implements Runnable {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            CommandLine top = spec.commandLine().getParent();
            for (String line : top.getCommandSpec().version()) {
                spec.commandLine().getOut().println(line);
            }
            spec.commandLine().getOut().flush();
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
