package dev.latchkey.server;

import dev.latchkey.server.cli.Commands;
import picocli.CommandLine;

/** Entry point of {@code latchkey.jar}: {@code serve}, {@code client create}, {@code keys rotate}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && "serve".equals(args[0])) {
            Warmup.start(Warmup.namesPostgres(args, System.getenv("LATCHKEY_DB_URL")));
        }
        int exit = Commands.commandLine().execute(args);
        if (exit != 0 || args.length == 0 || !"serve".equals(args[0])) {
            System.exit(exit);
        }
    }
}
