package dev.latchkey.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.time.Instant;

/**
 * One log event as one line of JSON with Elastic Common Schema field names ({@code --log-format
 * json}): {@code @timestamp}, {@code log.level}, {@code log.logger}, {@code process.thread.name},
 * {@code message}, the request's fields ({@code http.request.id}, and on access log lines {@code
 * http.request.method url.path http.response.status_code http.response.body.bytes event.duration
 * client.address}), {@code error.type} and {@code error.stack_trace} when a throwable came with it,
 * and {@code ecs.version}. Every string is JSON-escaped, so no message can break the line or forge
 * another. Thread-safe.
 */
final class EcsJsonLine extends LayoutBase<ILoggingEvent> {

    static final String ECS_VERSION = "1.6.0";

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(256);
        line.append('{');
        field(line, "@timestamp", Instant.ofEpochMilli(event.getTimeStamp()).toString()).append(',');
        field(line, "log.level", event.getLevel().toString()).append(',');
        field(line, "log.logger", event.getLoggerName()).append(',');
        field(line, "process.thread.name", event.getThreadName()).append(',');
        field(line, "message", event.getFormattedMessage());
        // The request's id and, on access log lines, the request: set under their ECS names.
        java.util.Map<String, String> context = LogLine.context(event);
        if (context != null) {
            for (java.util.Map.Entry<String, String> entry : new java.util.TreeMap<>(context).entrySet()) {
                line.append(',');
                field(line, entry.getKey(), entry.getValue());
            }
        }
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(',');
            field(line, "error.type", thrown.getClassName()).append(',');
            field(line, "error.stack_trace", ThrowableProxyUtil.asString(thrown));
        }
        line.append(',');
        field(line, "ecs.version", ECS_VERSION);
        return line.append('}').append(CoreConstants.LINE_SEPARATOR).toString();
    }

    private static StringBuilder field(StringBuilder line, String name, String value) {
        line.append('"').append(name).append("\":\"");
        if (value != null) {
            JsonStringEncoder.getInstance().quoteAsString(value, line);
        }
        return line.append('"');
    }
}
