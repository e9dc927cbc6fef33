package dev.latchkey.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.nio.charset.StandardCharsets;

/**
 * Latchkey's logging, set up in code: Logback reading an XML file costs about a tenth of a second
 * at every start. Log lines go to stderr (stdout carries command output such as {@code client
 * create}'s JSON); Latchkey's own at INFO, its libraries' at WARN. Latchkey never logs a token,
 * secret or key: its log lines name clients, families and key ids only.
 *
 * <p>A {@code -Dlogback.configurationFile=...} (or a {@code logback-test.xml}, in tests) still
 * wins: then this configurator steps aside.
 */
public final class LogbackConfigurator extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || getClass().getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("CONSOLE");
        console.setTarget("System.err");
        console.setEncoder(encoder(context, "json".equalsIgnoreCase(System.getenv("LATCHKEY_LOG_FORMAT"))));
        console.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        for (String library : new String[] {"org.eclipse.jetty", "com.zaxxer.hikari", "org.flywaydb"}) {
            context.getLogger(library).setLevel(Level.WARN);
        }
        context.getLogger(ACCESS_LOGGER).setLevel(Level.OFF); // --access-log turns it on
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static LayoutWrappingEncoder<ILoggingEvent> encoder(LoggerContext context, boolean json) {
        ch.qos.logback.core.LayoutBase<ILoggingEvent> layout = json ? new EcsJsonLine() : new LogLine();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.setLayout(layout);
        encoder.start();
        return encoder;
    }

    /** The access log's logger: one line per request, off unless --access-log. */
    public static final String ACCESS_LOGGER = "latchkey.access";

    /** Turns the access log on or off (a Logback file of the operator's may set it too). */
    public static void accessLog(boolean on) {
        if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(ACCESS_LOGGER).setLevel(on ? Level.INFO : Level.OFF);
        }
    }

    /**
     * Switches the console to {@code text} or {@code json} ({@code --log-format}); does nothing where
     * a Logback file configures the logging (tests, or an operator's own file).
     */
    public static void useFormat(String format) {
        if (!(org.slf4j.LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        ch.qos.logback.core.Appender<ILoggingEvent> appender =
                context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE");
        if (appender instanceof ConsoleAppender<ILoggingEvent> console) {
            console.stop();
            console.setEncoder(encoder(context, "json".equalsIgnoreCase(format)));
            console.start();
        }
    }
}
