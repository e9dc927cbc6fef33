package dev.latchkey.server.cli;

import dev.latchkey.server.Warmup;
import java.util.Arrays;

/**
 * Entry point of {@code latchkey.jar}: {@code serve}; {@code client create|list|show|delete|secret|revoke-tokens},
 * {@code keys rotate|list} and {@code admin create} on the data of a running server.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        boolean serve = args.length > 0 && "serve".equals(args[0]);
        int exit;
        if (serve) {
            Warmup.start(Warmup.namesPostgres(args, System.getenv("LATCHKEY_DB_URL")));
            exit = Commands.execute(Commands.serveCommandLine(), Arrays.copyOfRange(args, 1, args.length),
                    System::getenv);
        } else {
            exit = Commands.execute(Commands.commandLine(), args, System::getenv);
        }
        if (exit != 0 || !serve) {
            System.exit(exit);
        }
    }
}
