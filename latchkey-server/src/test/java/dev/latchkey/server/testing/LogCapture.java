package dev.latchkey.server.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures every log event from the moment it is created until closed, Latchkey's own at TRACE. */
public final class LogCapture implements AutoCloseable {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root;
    private final Logger latchkey;
    private final Level latchkeyLevel;

    public LogCapture() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        latchkey = context.getLogger("dev.latchkey");
        latchkeyLevel = latchkey.getLevel();
        latchkey.setLevel(Level.TRACE);
        appender.setContext(context);
        appender.start();
        root.addAppender(appender);
    }

    /** Each event as it would be written: the formatted message plus any stack trace. */
    public List<String> lines() {
        return snapshot().stream()
                .map(event -> event.getLoggerName() + " " + event.getFormattedMessage()
                        + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy())))
                .toList();
    }

    /** The events themselves, as captured (for a layout to format). */
    public List<ILoggingEvent> events() {
        return snapshot();
    }

    /** {@link #lines()} of the events at WARN or above. */
    public List<String> warnings() {
        return snapshot().stream()
                .filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
                .map(event -> event.getLevel() + " " + event.getLoggerName() + " " + event.getFormattedMessage())
                .toList();
    }

    /**
     * The events so far. Other threads log while a test reads (the native signatures' loader, the store
     * workers); logback appends under the appender's lock, so the copy is taken under it too.
     */
    private List<ILoggingEvent> snapshot() {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        latchkey.setLevel(latchkeyLevel);
    }
}
