package dev.latchkey.server.web;

import dev.latchkey.core.error.OAuthError;
import dev.latchkey.server.convert.RequestBodies;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a request body on Jetty's demand API: no thread is held while a slow client sends it. With
 * a few HTTP threads per core, a blocking read would let as many clients that stall mid-body stop
 * the server for everyone until Jetty's idle timeout. A body over the limit fails with
 * {@link RequestBodies#tooLarge()} after up to {@link #DRAIN_LIMIT} bytes of it were read and
 * dropped (closing on unread data would reset the connection and lose the 413).
 */
final class BodyReader implements Runnable {

    /** How much of a refused body is read (and dropped) so that the client can read the 413. */
    private static final long DRAIN_LIMIT = 1024 * 1024;

    private final Request request;
    private final RequestBodies limits;
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    // The body so far; null once it is known to be over the limit (then only counted and dropped).
    private byte[] bytes;
    private long seen;

    private BodyReader(Request request, RequestBodies limits) {
        this.request = request;
        this.limits = limits;
        long declared = request.getLength();
        // The usual case: exactly the declared length, filled in place. A declared length over
        // the limit is refused before a byte of it is kept.
        this.bytes = declared > limits.maxBytes() ? null : new byte[declared >= 0 ? (int) declared : 256];
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
            append(chunk.getByteBuffer());
            boolean last = chunk.isLast();
            chunk.release();
            if (last || (bytes == null && seen >= DRAIN_LIMIT)) {
                if (bytes == null) {
                    body.completeExceptionally(limits.tooLarge());
                } else {
                    body.complete(bytes.length == seen ? bytes : Arrays.copyOf(bytes, (int) seen));
                }
                return;
            }
        }
    }

    private void append(ByteBuffer buffer) {
        int length = buffer.remaining();
        if (bytes != null && seen + length > limits.maxBytes()) {
            bytes = null;
        }
        if (bytes != null) {
            if (seen + length > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, (int) seen + length));
            }
            buffer.get(bytes, (int) seen, length);
        }
        seen += length;
    }
}
