package net.lorawanns.core.redis;

import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * A bulk string reply ({@code $<length>\r\n<bytes>\r\n}) as {@link ReplyReader} reads it: the bytes alone, where the
 * client's {@code BulkType} wraps them in a {@code Buffer} and a Netty buffer with its reference count (four objects a
 * value, several values a frame's counter step, issue 16). Numbers and booleans are read from its text by
 * {@link Response}'s own defaults, as for the client's type.
 *
 * <p>Threads: immutable once read; its bytes are its own (a copy out of the socket's buffer).
 */
final class BulkReply implements Response {
    private final byte[] bytes;

    BulkReply(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public ResponseType type() {
        return ResponseType.BULK;
    }

    /** Not a verbatim string (RESP3): no format, as the client's type answers. */
    @Override
    public String format() {
        return null;
    }

    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public String toString(Charset encoding) {
        return new String(bytes, encoding);
    }

    @Override
    public Buffer toBuffer() {
        return Buffer.buffer(bytes);
    }

    /** The reply's bytes, the reader's own copy: a caller may keep them. */
    @Override
    public byte[] toBytes() {
        return bytes;
    }
}
