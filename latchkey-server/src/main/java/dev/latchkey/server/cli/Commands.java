package dev.latchkey.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code latchkey} command and its subcommands. */
@Command(name = "latchkey", mixinStandardHelpOptions = true, version = "Latchkey 0.1.0",
        description = "An OAuth 2.0 token server.",
        subcommands = {ServeCommand.class, ClientCommand.class, KeysCommand.class, AdminCommand.class,
                UserCommand.class})
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

    private static CommandLine configure(CommandLine commandLine) {
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("latchkey: " + e.getMessage());
            return 1;
        });
        return commandLine;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
