package net.lorawanns.core.redis;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.impl.CommandImpl;
import io.vertx.redis.client.impl.RequestImpl;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes requests as RESP (the Redis serialization protocol, version 2): a request is an array of bulk strings, its
 * command followed by its arguments, {@code *<count>\r\n} then {@code $<length>\r\n<bytes>\r\n} for each. The
 * requests of one write go into one buffer sized exactly beforehand ({@link #length}), straight from the request's
 * command and argument bytes, with counts, lengths and numbers written as ASCII digits without a String or array per
 * number. The parts ({@link #writeArray}, {@link #writeBulk} and the like) serve requests that write themselves
 * ({@link LuaScript.Call}).
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
        int length = arrayLength(args.size() + 1) + command(request.command()).length;
        for (int i = 0, n = args.size(); i < n; i++) {
            length += bulkLength(args.get(i).length);
        }
        return length;
    }

    /** Writes {@code request} at the writer index of {@code out}, which must have {@link #length} bytes free. */
    static void write(Request request, ByteBuf out) {
        List<byte[]> args = ((RequestImpl) request).getArgs();
        writeArray(args.size() + 1, out);
        out.writeBytes(command(request.command()));
        for (int i = 0, n = args.size(); i < n; i++) {
            writeBulk(args.get(i), out);
        }
    }

    /** A command's own bulk string, as the client keeps it: {@code $<length>\r\n<name>\r\n}. */
    static byte[] command(Command command) {
        return ((CommandImpl) command).getBytes();
    }

    /** The bytes of an array's header, {@code *<count>\r\n}. */
    static int arrayLength(int count) {
        return 1 + digits(count) + 2;
    }

    static void writeArray(int count, ByteBuf out) {
        out.writeByte('*');
        writeDigits(count, out);
        out.writeByte(CR).writeByte(LF);
    }

    /** The bytes of a bulk string of {@code bytes} bytes. */
    static int bulkLength(int bytes) {
        return 1 + digits(bytes) + 2 + bytes + 2;
    }

    static void writeBulk(byte[] bytes, ByteBuf out) {
        out.writeByte('$');
        writeDigits(bytes.length, out);
        out.writeByte(CR).writeByte(LF);
        out.writeBytes(bytes);
        out.writeByte(CR).writeByte(LF);
    }

    /** The bytes of the bulk string of {@code text} in UTF-8 (as {@link String#getBytes} encodes it). */
    static int bulkLength(CharSequence text) {
        return bulkLength(hasSurrogate(text) ? jdkUtf8(text).length : ByteBufUtil.utf8Bytes(text));
    }

    static void writeBulk(CharSequence text, ByteBuf out) {
        if (hasSurrogate(text)) {
            writeBulk(jdkUtf8(text), out);
            return;
        }
        int length = ByteBufUtil.utf8Bytes(text);
        out.writeByte('$');
        writeDigits(length, out);
        out.writeByte(CR).writeByte(LF);
        // Reserving the exact length: writeUtf8 alone reserves 3 bytes a char, beyond an exactly sized buffer.
        ByteBufUtil.reserveAndWriteUtf8(out, text, length);
        out.writeByte(CR).writeByte(LF);
    }

    /**
     * Whether {@code text} has a surrogate: Netty's encoder writes a lone one differently from the JDK's, which
     * encodes the same text elsewhere (a client request's arguments, a key's bytes for routing), so such text goes
     * through the JDK's.
     */
    private static boolean hasSurrogate(CharSequence text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static byte[] jdkUtf8(CharSequence text) {
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The bytes of the bulk string of {@code number}'s decimal digits (as the client writes a number argument). */
    static int numberLength(long number) {
        return bulkLength(digits(number));
    }

    static void writeNumber(long number, ByteBuf out) {
        out.writeByte('$');
        writeDigits(digits(number), out);
        out.writeByte(CR).writeByte(LF);
        writeDigits(number, out);
        out.writeByte(CR).writeByte(LF);
    }

    /** Decimal digits of {@code value}, with its '-' if negative. */
    private static int digits(long value) {
        int digits = value < 0 ? 2 : 1;
        for (long rest = value / 10; rest != 0; rest /= 10) {
            digits++;
        }
        return digits;
    }

    /** Writes {@code value}'s digits from the last, in place (no digit of -2^63 needs its absolute value). */
    private static void writeDigits(long value, ByteBuf out) {
        int length = digits(value);
        out.ensureWritable(length);
        int end = out.writerIndex() + length;
        int at = end;
        long rest = value;
        do {
            out.setByte(--at, '0' + (int) Math.abs(rest % 10));
            rest /= 10;
        } while (rest != 0);
        if (value < 0) {
            out.setByte(--at, '-');
        }
        out.writerIndex(end);
    }
}
