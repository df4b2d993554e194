package net.lorawanns.core.redis;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.BulkType;
import io.vertx.redis.client.impl.types.ErrorType;
import io.vertx.redis.client.impl.types.MultiType;
import io.vertx.redis.client.impl.types.NumberType;
import io.vertx.redis.client.impl.types.SimpleStringType;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads Redis's replies in RESP2 (the protocol a connection speaks until it sends HELLO 3, which the lanes never do)
 * from the bytes of a connection, as the Vert.x client's {@link Response} values, so that callers see the same
 * objects as from the client itself: simple strings, errors, integers, bulk strings (null for {@code $-1}) and arrays
 * of them (null for {@code *-1}).
 *
 * <p>Cheaper than the client's own parser for the lanes' small replies: a reply is read straight from the socket's
 * buffer once it is complete (a scan that allocates nothing checks that first, and resumes where it stopped when the
 * next read comes, so that a long reply over many reads is scanned once), numbers are read from their digits without
 * a String, a bulk string's bytes are copied once, and only the bytes of a reply that has not fully arrived are kept
 * for the next read, in a buffer kept for that.
 *
 * <p>Threads: one connection's; not thread-safe.
 */
final class ReplyReader {
    /** Arrays nest this deep at most (the Vert.x client's default). */
    private static final int MAX_DEPTH = 32;
    /** A bulk string's length at most (Redis's own limit, {@code proto-max-bulk-len}'s default). */
    private static final long MAX_BULK = 512L * 1024 * 1024;
    private static final int INCOMPLETE = -1;
    /** The buffer of incomplete replies is reused; one grown beyond this is let go once read. */
    private static final int KEPT = 4096;
    /** Integer replies 0-1023 (counts, flags, counters), made once: immutable, and most replies are among them. */
    private static final NumberType[] SMALL_NUMBERS = new NumberType[1024];

    static {
        for (int i = 0; i < SMALL_NUMBERS.length; i++) {
            SMALL_NUMBERS[i] = NumberType.create((long) i);
        }
    }

    private final Consumer<Response> replies;
    /** The start of a reply that has not fully arrived (a socket read may end anywhere), if it is readable. */
    private ByteBuf unread = Unpooled.buffer(0, Integer.MAX_VALUE);
    /** Where the scan of the incomplete reply resumes: the bytes before it, from the reply's start, are scanned. */
    private int resumeAt;
    /** The arrays open at {@link #resumeAt}, and the elements each still has, outermost first. */
    private int open;
    private final long[] left = new long[MAX_DEPTH];
    /** Bytes the scan examined so far (line ends looked for), for tests: each byte is examined about once. */
    private long examined;

    /** @param replies gets each reply, in the order received */
    ReplyReader(Consumer<Response> replies) {
        this.replies = replies;
    }

    /** A reply Redis sent that is not RESP2. */
    static final class UnreadableReply extends RuntimeException {
        UnreadableReply(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Reads the replies {@code chunk} completes, then releases it; the bytes of an incomplete reply at its end are
     * kept for the next chunk.
     *
     * @throws UnreadableReply if the bytes are not RESP2; the connection cannot be read any further
     */
    void read(ByteBuf chunk) {
        ByteBuf in = chunk;
        try {
            if (unread.isReadable()) {
                unread.writeBytes(chunk);
                in = unread;
            }
            while (in.isReadable() && scan(in) != INCOMPLETE) {
                replies.accept(reply(in, 0));
            }
            if (in != unread) {
                unread.clear().writeBytes(in);
            } else {
                unread.discardReadBytes();
            }
            if (!unread.isReadable() && unread.capacity() > KEPT) {
                unread = Unpooled.buffer(0, Integer.MAX_VALUE);
            }
        } catch (RuntimeException | Error e) {
            unread.clear();
            resumeAt = 0;
            open = 0;
            throw e;
        } finally {
            chunk.release();
        }
    }

    /**
     * The index after the reply at the reader index, or {@link #INCOMPLETE}; allocates nothing. An incomplete reply's
     * scan is resumed by the next call where it stopped (its state: {@link #resumeAt}, {@link #open}, {@link #left}),
     * so that each byte of a long reply arriving over many reads is scanned once.
     */
    private int scan(ByteBuf in) {
        int at = in.readerIndex() + resumeAt;
        while (true) {
            int end = lineEnd(in, at);
            if (end == INCOMPLETE) {
                resumeAt = at - in.readerIndex();
                return INCOMPLETE;
            }
            byte type = in.getByte(at);
            int next;
            switch (type) {
                case '+', '-', ':' -> next = end + 2;
                case '$' -> {
                    long length = number(in, at + 1, end);
                    if (length > MAX_BULK) {
                        throw new UnreadableReply("a bulk string of " + length + " bytes");
                    }
                    long after = length < 0 ? end + 2 : end + 2 + length + 2;
                    if (after > in.writerIndex()) {
                        resumeAt = at - in.readerIndex();
                        return INCOMPLETE;
                    }
                    next = (int) after;
                }
                case '*' -> {
                    if (open == MAX_DEPTH) {
                        throw new UnreadableReply("arrays nested deeper than " + MAX_DEPTH);
                    }
                    long count = number(in, at + 1, end);
                    next = end + 2;
                    if (count > 0) {
                        left[open++] = count;
                        at = next;
                        continue;
                    }
                }
                default -> throw new UnreadableReply("unknown reply type '" + (char) type + "'");
            }
            // An element ended at next: it may end the arrays it closes.
            at = next;
            while (open > 0 && --left[open - 1] == 0) {
                open--;
            }
            if (open == 0) {
                resumeAt = 0;
                return at;
            }
        }
    }

    /** Bytes the scan examined so far. */
    long examined() {
        return examined;
    }

    /** Reads the complete reply at the reader index. */
    private Response reply(ByteBuf in, int depth) {
        int at = in.readerIndex();
        int end = lineEnd(in, at);
        byte type = in.getByte(at);
        in.readerIndex(end + 2);
        switch (type) {
            case '+' -> {
                if (end - at == 3 && in.getByte(at + 1) == 'O' && in.getByte(at + 2) == 'K') {
                    return SimpleStringType.OK;
                }
                return SimpleStringType.create(in.toString(at + 1, end - at - 1, StandardCharsets.UTF_8));
            }
            case '-' -> {
                return ErrorType.create(in.toString(at + 1, end - at - 1, StandardCharsets.UTF_8));
            }
            case ':' -> {
                long number = number(in, at + 1, end);
                return number >= 0 && number < SMALL_NUMBERS.length ? SMALL_NUMBERS[(int) number]
                        : NumberType.create(number);
            }
            case '$' -> {
                int length = (int) number(in, at + 1, end);
                if (length < 0) {
                    return null;
                }
                if (length == 0) {
                    in.skipBytes(2);
                    return BulkType.EMPTY;
                }
                byte[] bytes = new byte[length];
                in.readBytes(bytes).skipBytes(2);
                return new BulkReply(bytes);
            }
            default -> {
                int count = (int) number(in, at + 1, end);
                if (count < 0) {
                    return null;
                }
                if (count == 0) {
                    return MultiType.EMPTY_MULTI;
                }
                MultiType array = MultiType.create(count, false);
                for (int i = 0; i < count; i++) {
                    array.add(reply(in, depth + 1));
                }
                return array;
            }
        }
    }

    /** The index of the CR of the line that starts at {@code at}, or {@link #INCOMPLETE} while its LF is missing. */
    private int lineEnd(ByteBuf in, int at) {
        int cr = in.indexOf(at, in.writerIndex(), (byte) '\r');
        examined += (cr == -1 ? in.writerIndex() : cr + 2) - at;
        if (cr == -1 || cr + 1 >= in.writerIndex()) {
            return INCOMPLETE;
        }
        if (in.getByte(cr + 1) != '\n') {
            throw new UnreadableReply("a line without LF after its CR");
        }
        return cr;
    }

    /** The decimal integer in {@code [from, to)}, with an optional sign ({@code :[<+|->]<value>\r\n}). */
    private static long number(ByteBuf in, int from, int to) {
        boolean negative = from < to && in.getByte(from) == '-';
        int i = negative || from < to && in.getByte(from) == '+' ? from + 1 : from;
        if (i == to || to - i > 19) {
            throw new UnreadableReply("not an integer: '" + in.toString(from, to - from, StandardCharsets.US_ASCII)
                    + "'");
        }
        long value = 0;
        for (; i < to; i++) {
            int digit = in.getByte(i) - '0';
            if (digit < 0 || digit > 9) {
                throw new UnreadableReply("not an integer: '"
                        + in.toString(from, to - from, StandardCharsets.US_ASCII) + "'");
            }
            value = value * 10 + digit;
        }
        // -2^63 overflows to itself (Long.MIN_VALUE), which negated is -2^63 still.
        if (value < 0 && !(negative && value == Long.MIN_VALUE)) {
            throw new UnreadableReply("an integer beyond 64 bits");
        }
        return negative ? -value : value;
    }
}
