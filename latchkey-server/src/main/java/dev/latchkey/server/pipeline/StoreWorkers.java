package dev.latchkey.server.pipeline;

import dev.latchkey.core.store.StoreUnavailableException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads that wait for the store on a request's behalf: revocation, registration, readiness,
 * and the rare second read of a grant or an introspection after an asynchronous first one. No HTTP
 * thread waits for the database, so liveness, the JWKS and the metadata answer while it is stuck.
 *
 * <p>Bounded twice: at most {@code threads} threads, and at most {@code queue} pieces of work
 * waiting for one. Work beyond that is refused at once with a {@link StoreUnavailableException},
 * which the web layer answers 503 {@code temporarily_unavailable} with {@code Retry-After}: a
 * stalled database or a flood of requests sheds load instead of growing threads and memory (an
 * unbounded pool grew to 590 threads under 1,000 pipelining connections). Idle threads end after
 * 30 s. Thread-safe.
 */
public final class StoreWorkers implements Executor, AutoCloseable {

    private final ThreadPoolExecutor pool;

    public StoreWorkers(int threads, int queue) {
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                runnable -> {
                    Thread thread = new Thread(runnable, "latchkey-store-wait");
                    thread.setDaemon(true);
                    return thread;
                },
                (refused, executor) -> {
                    throw new StoreUnavailableException("too many requests are waiting for the store", null);
                });
        pool.allowCoreThreadTimeOut(true);
    }

    /** Runs {@code work} with the logging context (the request id) of the thread that handed it over. */
    @Override
    public void execute(Runnable work) {
        if (dev.latchkey.core.trace.Tracing.enabled()) {
            work = io.opentelemetry.context.Context.current().wrap(work); // the request's trace comes along
        }
        java.util.Map<String, String> context = org.slf4j.MDC.getCopyOfContextMap();
        if (context == null || context.isEmpty()) {
            pool.execute(work);
            return;
        }
        Runnable traced = work;
        pool.execute(() -> {
            org.slf4j.MDC.setContextMap(context);
            try {
                traced.run();
            } finally {
                org.slf4j.MDC.clear();
            }
        });
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
