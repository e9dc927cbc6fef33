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
    /** The first buffer of a body that did not come whole with its first chunk. */
    private static final int FIRST_BUFFER = 1024;

    private final Request request;
    private final RequestBodies limits;
    private final long declared;
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    // The body so far, allocated as bytes arrive; empty until the first chunk.
    private byte[] bytes = NONE;
    // Set once the body is known to be over the limit: from then on it is only counted and dropped.
    private boolean refused;
    private long seen;

    private static final byte[] NONE = new byte[0];

    private BodyReader(Request request, RequestBodies limits) {
        this.request = request;
        this.limits = limits;
        this.declared = request.getLength();
        // A declared length over the limit is refused before a byte of it is kept.
        this.refused = declared > limits.maxBytes();
    }

    /** The whole body; completes on the thread that reads its last bytes. */
    static CompletableFuture<byte[]> read(Request request, RequestBodies limits) {
        return start(request, limits).body;
    }

    /** Starts reading; the reader itself for tests that look at its buffer. */
    static BodyReader start(Request request, RequestBodies limits) {
        BodyReader reader = new BodyReader(request, limits);
        reader.run();
        return reader;
    }

    /** Bytes held for the body so far: what a client that stops sending costs the server. */
    int capacity() {
        return bytes.length;
    }

    CompletableFuture<byte[]> body() {
        return body;
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
            if (last || (refused && seen >= DRAIN_LIMIT)) {
                if (refused) {
                    body.completeExceptionally(limits.tooLarge());
                } else {
                    body.complete(bytes.length == seen ? bytes : Arrays.copyOf(bytes, (int) seen));
                }
                return;
            }
        }
    }

    /**
     * Keeps the bytes of a chunk. Memory follows what arrived, never what was declared: a client
     * that declares 64 KiB and sends one byte costs a kilobyte, not 64. The usual body comes whole
     * in its first chunk and is kept in an array of exactly its length, with no copy later.
     */
    private void append(ByteBuffer buffer) {
        int length = buffer.remaining();
        if (!refused && seen + length > limits.maxBytes()) {
            refused = true;
            bytes = NONE;
        }
        if (!refused && length > 0) {
            int needed = (int) seen + length;
            if (needed > bytes.length) {
                int grown = seen == 0 && declared == length ? length
                        : Math.max(needed, Math.max(FIRST_BUFFER, 2 * bytes.length));
                long cap = declared >= 0 ? declared : limits.maxBytes();
                bytes = Arrays.copyOf(bytes, (int) Math.max(needed, Math.min(grown, cap)));
            }
            buffer.get(bytes, (int) seen, length);
        }
        seen += length;
    }
}
