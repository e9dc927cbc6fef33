package dev.latchkey.server.cli;

import dev.latchkey.server.LatchkeyServer;
import dev.latchkey.server.config.DataDirectory;
import dev.latchkey.server.config.ServerConfig;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code latchkey serve}: runs the server until it is stopped (SIGTERM or Ctrl-C). */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the token server.")
final class ServeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig config = options.toConfig();
        LatchkeyServer server = LatchkeyServer.start(config, Clock.systemUTC());
        // After the start, not beside it: the management beans it goes through cost CPU that the
        // start, CPU-bound on 2 cores, would wait for (BENCHMARKS.md, "Start"); they matter only later.
        Thread tuning = new Thread(MemoryTuning::apply, "latchkey-memory-tuning");
        tuning.setDaemon(true);
        tuning.start();
        if (config.initialAccessToken() == null) {
            LOG.info("Client registration takes the initial access token in {}",
                    server.assembly().config().dataDir().toAbsolutePath().normalize()
                            .resolve(DataDirectory.INITIAL_ACCESS_TOKEN_FILE));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Stopping");
            server.close();
            stopped.countDown();
        }, "latchkey-shutdown"));
        stopped.await();
        return 0;
    }
}
