package dev.latchkey.server;

import dev.latchkey.core.trace.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * OpenTelemetry tracing, on when {@code --otel-endpoint} names an OTLP/HTTP collector
 * ({@code http://127.0.0.1:4318}): spans are batched and sent to {@code <endpoint>/v1/traces};
 * sampling is parent-based (a caller's sampled {@code traceparent} is always followed) with
 * {@code --otel-sample-ratio} (0.05) for new traces. The exporter sends with the JDK's HTTP client.
 * Spans: each request (server span), the token pipeline, database reads and group commits (linked to
 * the requests they wrote for), Argon2id hashing.
 */
final class Tracer implements AutoCloseable {

    private final OpenTelemetrySdk sdk;

    private Tracer(OpenTelemetrySdk sdk) {
        this.sdk = sdk;
    }

    /** Installs the SDK for {@link Tracing}; null when tracing is off. */
    static Tracer start(String endpoint, double sampleRatio) {
        if (endpoint == null) {
            return null;
        }
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(endpoint.replaceAll("/+$", "") + "/v1/traces")
                .setTimeout(Duration.ofSeconds(10)).build();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), "latchkey",
                        AttributeKey.stringKey("service.version"), "0.1.0"))))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(sampleRatio)))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).setScheduleDelay(Duration.ofSeconds(1)).build())
                .build();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
        Tracing.use(sdk);
        return new Tracer(sdk);
    }

    /** Sends what is buffered (up to 5 s) and turns tracing off. */
    @Override
    public void close() {
        Tracing.use(null);
        sdk.getSdkTracerProvider().shutdown().join(5, TimeUnit.SECONDS);
    }
}
