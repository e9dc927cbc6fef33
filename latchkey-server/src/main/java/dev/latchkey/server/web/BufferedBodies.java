package dev.latchkey.server.web;

import dev.latchkey.server.convert.RequestBodies;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Reads every request body to its end ({@link BodyReader}: no thread is held while it arrives)
 * before any route sees the request. The HTTP pool has a few threads per core; a route that read
 * its body with blocking calls would let as many clients as threads, stalling in the middle of a
 * body, stop the whole server until Jetty's idle timeout. A body over the limit is answered 413
 * here, so the routes behind see at most the limit. {@link Router} takes the bytes ({@link #body}).
 */
final class BufferedBodies extends Handler.Wrapper {

    private final RequestBodies limits;
    private final Failures failures;

    BufferedBodies(Handler next, RequestBodies limits, Failures failures) {
        super(next);
        this.limits = limits;
        this.failures = failures;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getLength() == 0
                || request.getLength() < 0 && !request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
            return super.handle(request, response, callback); // no body
        }
        // Usually the body came with the headers and this completes at once, on this thread.
        BodyReader.read(request, limits).whenComplete((body, failure) -> {
            try {
                if (failure != null) {
                    String path = request.getHttpURI().getPath();
                    Router.write(response, failures.reply(failure, request.getMethod(), path, path), callback);
                } else if (!super.handle(new Buffered(request, body), response, callback)) {
                    Response.writeError(request, response, callback, 404);
                }
            } catch (Throwable e) {
                callback.failed(e);
            }
        });
        return true;
    }

    private static final byte[] NO_BODY = new byte[0];

    /** The body of a request that passed through this handler (empty if it had none). */
    static byte[] body(Request request) {
        Buffered buffered = Request.as(request, Buffered.class);
        return buffered == null ? NO_BODY : buffered.body;
    }

    /** The request, with its body already read. */
    private static final class Buffered extends Request.Wrapper {
        private final byte[] body;

        Buffered(Request request, byte[] body) {
            super(request);
            this.body = body;
        }
    }
}
