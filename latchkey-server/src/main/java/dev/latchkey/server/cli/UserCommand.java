package dev.latchkey.server.cli;

import dev.latchkey.core.account.Account;
import dev.latchkey.core.audit.Actor;
import dev.latchkey.server.Assembly;
import picocli.CommandLine.Command;

/**
 * {@code latchkey user create --username NAME --password-stdin}: an end user, who signs in at the
 * authorization endpoint to let client applications act for them. As {@code admin create}: the
 * password from standard input, and it works while the server runs.
 */
@Command(name = "user", mixinStandardHelpOptions = true, description = "Manage end users.",
        subcommands = UserCommand.Create.class)
final class UserCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an end user with the password on standard input.")
    static final class Create extends AdminCommand.Create {

        @picocli.CommandLine.Option(names = "--email", description = "The user's e-mail address (the email claim).")
        String email;

        @Override
        Account create(Assembly latchkey, char[] password) {
            return latchkey.accountManagement().createUser(Actor.commandLine(), username, password, email);
        }
    }
}
