package dev.latchkey.server.cli;

import dev.latchkey.core.account.Account;
import dev.latchkey.core.audit.Actor;
import dev.latchkey.server.Assembly;
import dev.latchkey.server.config.ServerConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code latchkey admin create --username NAME --password-stdin}: an admin account for the
 * dashboard. The password is read from standard input (its first line), never from the command
 * line, where {@code ps} would show it. Works while the server runs.
 */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "Manage dashboard admins.",
        subcommands = AdminCommand.Create.class)
final class AdminCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an admin account with the password on standard input.")
    static class Create implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions options;

        @Option(names = "--username", required = true, description = "The account's username.")
        String username;

        @Option(names = "--password-stdin", required = true,
                description = "Read the password from the first line of standard input.")
        boolean passwordStdin;

        /** Where the password comes from; a test may give another. */
        java.io.InputStream in = System.in;

        @Override
        public Integer call() throws IOException {
            char[] password = readLine();
            ServerConfig config = options.toConfig();
            try (Assembly latchkey = Assembly.open(config, config.issuerFor(config.port()), Clock.systemUTC())) {
                Account account = create(latchkey, password);
                PrintWriter out = spec.commandLine().getOut();
                out.printf("Created %s %s (%s)%n", account.role().wireName(), account.username(), account.accountId());
                out.flush();
            } finally {
                Arrays.fill(password, '\0');
            }
            return 0;
        }

        Account create(Assembly latchkey, char[] password) {
            return latchkey.accountManagement().createAdmin(Actor.commandLine(), username, password, false);
        }

        private char[] readLine() throws IOException {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line = reader.readLine();
            if (line == null || line.isEmpty()) {
                throw new IllegalArgumentException("no password on standard input");
            }
            return line.toCharArray();
        }
    }
}
