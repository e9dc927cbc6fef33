package dev.latchkey.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code latchkey} command and its subcommands. */
@Command(name = "latchkey", mixinStandardHelpOptions = true, version = "Latchkey 0.1.0",
        description = "An OAuth 2.0 token server.",
        subcommands = {ServeCommand.class, ClientCommand.class, KeysCommand.class})
public final class Commands implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Commands());
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
