package net.lorawanns.core.redis;

import io.netty.buffer.ByteBuf;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.impl.CommandImpl;
import io.vertx.redis.client.impl.RequestImpl;
import java.util.List;

/**
 * Writes requests as RESP (the Redis serialization protocol, version 2): a request is an array of bulk strings, its
 * command followed by its arguments, {@code *<count>\r\n} then {@code $<length>\r\n<bytes>\r\n} for each. The
 * requests of one write go into one buffer sized exactly beforehand ({@link #length}), straight from the request's
 * command and argument bytes, with counts and lengths written as ASCII digits without a String or array per number.
 *
 * <p>Threads: stateless; any.
 */
final class RequestWriter {
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private RequestWriter() {
    }

    /** The bytes {@link #write} writes for {@code request}. */
    static int length(Request request) {
        List<byte[]> args = ((RequestImpl) request).getArgs();
        int length = 1 + digits(args.size() + 1) + 2 + command(request).length;
        for (byte[] arg : args) {
            length += 1 + digits(arg.length) + 2 + arg.length + 2;
        }
        return length;
    }

    /** Writes {@code request} at the writer index of {@code out}, which must have {@link #length} bytes free. */
    static void write(Request request, ByteBuf out) {
        List<byte[]> args = ((RequestImpl) request).getArgs();
        out.writeByte('*');
        writeDigits(args.size() + 1, out);
        out.writeByte(CR).writeByte(LF);
        // The command's own bulk string, as the client keeps it: $<length>\r\n<name>\r\n.
        out.writeBytes(command(request));
        for (int i = 0, n = args.size(); i < n; i++) {
            byte[] arg = args.get(i);
            out.writeByte('$');
            writeDigits(arg.length, out);
            out.writeByte(CR).writeByte(LF);
            out.writeBytes(arg);
            out.writeByte(CR).writeByte(LF);
        }
    }

    private static byte[] command(Request request) {
        return ((CommandImpl) request.command()).getBytes();
    }

    /** Decimal digits of {@code value} (at least 0). */
    private static int digits(int value) {
        int digits = 1;
        for (int rest = value / 10; rest > 0; rest /= 10) {
            digits++;
        }
        return digits;
    }

    private static void writeDigits(int value, ByteBuf out) {
        int unit = 1;
        while (unit <= value / 10) {
            unit *= 10;
        }
        for (; unit > 0; unit /= 10) {
            out.writeByte('0' + value / unit % 10);
        }
    }
}
