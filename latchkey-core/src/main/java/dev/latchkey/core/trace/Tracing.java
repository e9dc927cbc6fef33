package dev.latchkey.core.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import java.util.function.Supplier;

/**
 * The tracer every layer uses (OpenTelemetry's API; the server installs the SDK when tracing is on,
 * {@code --otel-endpoint}). Off, it is OpenTelemetry's no-op, and {@link #enabled()} lets a hot path
 * skip even building a span. One per process: the servers of one JVM (tests) share it.
 */
public final class Tracing {

    private static volatile Tracer tracer = OpenTelemetry.noop().getTracer("latchkey");
    private static volatile boolean enabled;

    private Tracing() {
    }

    /** Installs (or, with null, removes) the OpenTelemetry whose tracer the spans go to. */
    public static void use(OpenTelemetry openTelemetry) {
        tracer = (openTelemetry == null ? OpenTelemetry.noop() : openTelemetry).getTracer("latchkey");
        enabled = openTelemetry != null;
    }

    public static boolean enabled() {
        return enabled;
    }

    public static Tracer tracer() {
        return tracer;
    }

    /** Runs {@code work} in a span of its own (a child of the current one); records a failure on it. */
    public static <T> T inSpan(String name, Supplier<T> work) {
        if (!enabled) {
            return work.get();
        }
        Span span = tracer.spanBuilder(name).startSpan();
        try (var scope = span.makeCurrent()) {
            return work.get();
        } catch (RuntimeException | Error e) {
            span.recordException(e);
            span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR);
            throw e;
        } finally {
            span.end();
        }
    }
}
