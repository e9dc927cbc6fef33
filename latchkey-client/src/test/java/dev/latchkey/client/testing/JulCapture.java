package dev.latchkey.client.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Captures what the SDK logs. The SDK logs through {@link System.Logger}, which without a bridge
 * goes to java.util.logging; this handler sees every record of {@code dev.latchkey.client} at every level.
 */
public final class JulCapture extends Handler implements AutoCloseable {

    private final Logger logger = Logger.getLogger("dev.latchkey.client");
    private final Level previous = logger.getLevel();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final SimpleFormatter formatter = new SimpleFormatter();

    public JulCapture() {
        setLevel(Level.ALL);
        logger.setLevel(Level.ALL);
        logger.addHandler(this);
    }

    public List<String> lines() {
        return lines;
    }

    @Override
    public void publish(LogRecord record) {
        lines.add(formatter.format(record));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previous);
    }
}
