package dev.latchkey.server.web;

import dev.latchkey.core.error.OAuthError;
import dev.latchkey.server.convert.RequestBodies;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a request body on Jetty's demand API: no thread is held while a slow client sends it. With
 * a few HTTP threads per core, a blocking read would let as many clients that stall mid-body stop
 * the endpoint for everyone until Jetty's idle timeout. A body over the limit fails with
 * {@link RequestBodies#tooLarge()} after up to {@link RequestBodies#DRAIN_LIMIT} bytes of it were
 * read and dropped (closing on unread data would reset the connection and lose the 413).
 */
final class BodyReader implements Runnable {

    private final Request request;
    private final RequestBodies limits;
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private ByteArrayOutputStream bytes;
    private long seen;

    private BodyReader(Request request, RequestBodies limits) {
        this.request = request;
        this.limits = limits;
        long declared = request.getLength();
        // A declared length over the limit is refused before a byte of it is kept.
        this.bytes = declared > limits.maxBytes() ? null
                : new ByteArrayOutputStream(declared >= 0 ? (int) declared : 256);
    }

    /** The whole body; completes on the thread that reads its last bytes. */
    static CompletableFuture<byte[]> read(Request request, RequestBodies limits) {
        BodyReader reader = new BodyReader(request, limits);
        reader.run();
        return reader.body;
    }

    // One reader runs at a time: Jetty calls it back only after demand(), which it asks for only
    // when it has nothing left to read.
    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                // The client went away or stalled past Jetty's idle timeout: nobody may be left to
                // read the answer, but whoever is gets a plain 400.
                body.completeExceptionally(
                        OAuthError.INVALID_REQUEST.toException("the request body could not be read"));
                return;
            }
            ByteBuffer buffer = chunk.getByteBuffer();
            seen += buffer.remaining();
            if (bytes != null && seen > limits.maxBytes()) {
                bytes = null;
            }
            if (bytes != null) {
                byte[] part = new byte[buffer.remaining()];
                buffer.get(part);
                bytes.writeBytes(part);
            }
            boolean last = chunk.isLast();
            chunk.release();
            if (last || (bytes == null && seen >= RequestBodies.DRAIN_LIMIT)) {
                if (bytes == null) {
                    body.completeExceptionally(limits.tooLarge());
                } else {
                    body.complete(bytes.toByteArray());
                }
                return;
            }
        }
    }
}
