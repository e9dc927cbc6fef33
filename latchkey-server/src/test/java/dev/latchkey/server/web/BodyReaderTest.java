package dev.latchkey.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.convert.RequestBodies;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.junit.jupiter.api.Test;

/** Issue 12, item 7: a body's buffer follows the bytes that arrived, not the length that was declared. */
class BodyReaderTest {

    private static final RequestBodies LIMITS = new RequestBodies(64 * 1024);

    /** A request whose body arrives when the test says, as Jetty would deliver it. */
    private static final class Arriving {
        final Deque<Content.Chunk> chunks = new ArrayDeque<>();
        Runnable demand;
        final long declared;

        Arriving(long declared) {
            this.declared = declared;
        }

        Request request() {
            return (Request) Proxy.newProxyInstance(Request.class.getClassLoader(), new Class<?>[] {Request.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "getLength" -> declared;
                        case "read" -> chunks.poll();
                        case "demand" -> {
                            demand = (Runnable) args[0];
                            yield null;
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        void arrive(byte[] bytes, boolean last) {
            chunks.add(Content.Chunk.from(ByteBuffer.wrap(bytes), last));
            Runnable waiting = demand;
            demand = null;
            if (waiting != null) {
                waiting.run();
            }
        }
    }

    @Test
    void aClientThatDeclares64KibAndSendsOneByteCostsAKilobyteAtMost() {
        Arriving body = new Arriving(64 * 1024);
        BodyReader reader = BodyReader.start(body.request(), LIMITS);

        body.arrive(new byte[] {'a'}, false);

        assertThat(reader.body()).isNotDone();
        assertThat(reader.capacity()).isLessThanOrEqualTo(1024);
    }

    @Test
    void aBodyThatArrivesInPiecesIsReadWhole() {
        byte[] expected = new byte[10_000];
        Arrays.fill(expected, (byte) 'x');
        Arriving body = new Arriving(expected.length);
        BodyReader reader = BodyReader.start(body.request(), LIMITS);

        for (int offset = 0; offset < expected.length; offset += 700) {
            int end = Math.min(expected.length, offset + 700);
            body.arrive(Arrays.copyOfRange(expected, offset, end), end == expected.length);
        }

        assertThat(reader.body().join()).isEqualTo(expected);
    }

    @Test
    void aBodyThatCameWithItsHeadersIsKeptInAnArrayOfItsOwnLength() {
        byte[] expected = "grant_type=client_credentials".getBytes();
        Arriving body = new Arriving(expected.length);
        body.chunks.add(Content.Chunk.from(ByteBuffer.wrap(expected), true));

        BodyReader reader = BodyReader.start(body.request(), LIMITS);

        assertThat(reader.capacity()).isEqualTo(expected.length);
        assertThat(reader.body().join()).isEqualTo(expected);
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedAndNotKept() {
        Arriving body = new Arriving(-1);
        BodyReader reader = BodyReader.start(body.request(), LIMITS);

        body.arrive(new byte[60 * 1024], false);
        body.arrive(new byte[10 * 1024], true);

        assertThat(reader.capacity()).isZero();
        assertThat(reader.body()).isCompletedExceptionally();
    }
}
