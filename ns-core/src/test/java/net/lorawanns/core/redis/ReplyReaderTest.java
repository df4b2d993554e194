package net.lorawanns.core.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ReplyReader} on the RESP2 examples of the protocol specification
 * (https://redis.io/docs/latest/develop/reference/protocol-spec/), whole and cut into pieces at every byte, as a
 * socket may deliver them.
 */
class ReplyReaderTest {
    /** The specification's examples, one reply after the other. */
    private static final String EXAMPLES = "+OK\r\n"
            + "-Error message\r\n"
            + "-ERR unknown command 'asdf'\r\n"
            + ":0\r\n"
            + ":1000\r\n"
            + ":-42\r\n"
            + ":+7\r\n"
            + "$5\r\nhello\r\n"
            + "$0\r\n\r\n"
            + "$-1\r\n"
            + "*0\r\n"
            + "*2\r\n$5\r\nhello\r\n$5\r\nworld\r\n"
            + "*3\r\n:1\r\n:2\r\n:3\r\n"
            + "*5\r\n:1\r\n:2\r\n:3\r\n:4\r\n$5\r\nhello\r\n"
            + "*2\r\n*3\r\n:1\r\n:2\r\n:3\r\n*2\r\n+Hello\r\n-World\r\n"
            + "*-1\r\n"
            + "*3\r\n$5\r\nhello\r\n$-1\r\n$5\r\nworld\r\n";

    private static void check(List<Response> replies) {
        assertEquals(17, replies.size());
        assertEquals(ResponseType.SIMPLE, replies.get(0).type());
        assertEquals("OK", replies.get(0).toString());
        assertEquals(ResponseType.ERROR, replies.get(1).type());
        assertEquals("Error message", replies.get(1).toString());
        assertEquals("ERR unknown command 'asdf'", replies.get(2).toString());
        assertEquals(ResponseType.NUMBER, replies.get(3).type());
        assertEquals(0, replies.get(3).toLong());
        assertEquals(1000, replies.get(4).toLong());
        assertEquals(-42, replies.get(5).toLong());
        assertEquals(7, replies.get(6).toLong());
        assertEquals(ResponseType.BULK, replies.get(7).type());
        assertEquals("hello", replies.get(7).toString());
        assertEquals("", replies.get(8).toString());
        assertNull(replies.get(9), "the null bulk string");
        assertEquals(ResponseType.MULTI, replies.get(10).type());
        assertEquals(0, replies.get(10).size());
        assertEquals("[hello, world]", replies.get(11).toString());
        assertEquals(3, replies.get(12).get(2).toLong());
        assertEquals(4, replies.get(13).get(3).toLong());
        assertEquals("hello", replies.get(13).get(4).toString());
        Response nested = replies.get(14);
        assertEquals(2, nested.size());
        assertEquals(2, nested.get(0).get(1).toLong());
        assertEquals("Hello", nested.get(1).get(0).toString());
        assertEquals(ResponseType.ERROR, nested.get(1).get(1).type());
        assertNull(replies.get(15), "the null array");
        assertEquals("hello", replies.get(16).get(0).toString());
        assertNull(replies.get(16).get(1));
        assertEquals("world", replies.get(16).get(2).toString());
    }

    private static ByteBuf bytes(byte[] all, int from, int to) {
        return Unpooled.copiedBuffer(all, from, to - from);
    }

    @Test
    void theSpecificationsExamplesInOneRead() {
        List<Response> replies = new ArrayList<>();
        byte[] all = EXAMPLES.getBytes(StandardCharsets.US_ASCII);
        new ReplyReader(replies::add).read(bytes(all, 0, all.length));
        check(replies);
    }

    @Test
    void theSpecificationsExamplesCutAtEveryByte() {
        byte[] all = EXAMPLES.getBytes(StandardCharsets.US_ASCII);
        for (int cut = 1; cut < all.length; cut++) {
            List<Response> replies = new ArrayList<>();
            ReplyReader reader = new ReplyReader(replies::add);
            ByteBuf first = bytes(all, 0, cut);
            ByteBuf second = bytes(all, cut, all.length);
            reader.read(first);
            reader.read(second);
            assertEquals(0, first.refCnt(), "each read buffer is released");
            assertEquals(0, second.refCnt());
            check(replies);
        }
    }

    @Test
    void theSpecificationsExamplesOneByteAtATime() {
        byte[] all = EXAMPLES.getBytes(StandardCharsets.US_ASCII);
        List<Response> replies = new ArrayList<>();
        ReplyReader reader = new ReplyReader(replies::add);
        for (int i = 0; i < all.length; i++) {
            reader.read(bytes(all, i, i + 1));
        }
        check(replies);
    }

    @Test
    void aLongReplyOverManyReadsThenShortOnes() {
        String value = "v".repeat(10_000);
        byte[] all = ("$10000\r\n" + value + "\r\n:1\r\n$5\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII);
        List<Response> replies = new ArrayList<>();
        ReplyReader reader = new ReplyReader(replies::add);
        for (int from = 0; from < all.length; from += 100) {
            reader.read(bytes(all, from, Math.min(all.length, from + 100)));
        }
        assertEquals(3, replies.size());
        assertEquals(value, replies.get(0).toString());
        assertEquals(1, replies.get(1).toLong());
        assertEquals("hello", replies.get(2).toString());
    }

    /**
     * A long array (HGETALL of a big hash: fields and values, and a nested array) over many small reads: read whole,
     * with the scan for complete replies resumed where the previous read ended, each byte examined about once (not
     * again from the reply's start on every read).
     */
    @Test
    void aLongArrayOverManySmallReadsIsScannedOnce() {
        int count = 20_000;
        StringBuilder reply = new StringBuilder("*" + (count + 1) + "\r\n");
        for (int i = 0; i < count; i++) {
            String element = "element-" + i;
            reply.append('$').append(element.length()).append("\r\n").append(element).append("\r\n");
        }
        reply.append("*2\r\n:1\r\n*1\r\n+deep\r\n").append(":7\r\n");
        byte[] all = reply.toString().getBytes(StandardCharsets.US_ASCII);
        List<Response> replies = new ArrayList<>();
        ReplyReader reader = new ReplyReader(replies::add);
        for (int from = 0; from < all.length; from += 500) {
            reader.read(bytes(all, from, Math.min(all.length, from + 500)));
        }
        assertEquals(2, replies.size());
        Response array = replies.get(0);
        assertEquals(count + 1, array.size());
        for (int i = 0; i < count; i++) {
            assertEquals("element-" + i, array.get(i).toString());
        }
        assertEquals("deep", array.get(count).get(1).get(0).toString());
        assertEquals(7, replies.get(1).toLong());
        // Scanned once, then read once: twice its bytes, and a little for lines cut between reads.
        assertTrue(reader.examined() < 3L * all.length, reader.examined() + " bytes examined for " + all.length);
    }

    @Test
    void bulkStringsAreBinarySafe() {
        List<Response> replies = new ArrayList<>();
        byte[] reply = {'$', '5', '\r', '\n', 'a', '\r', '\n', 0, (byte) 0xff, '\r', '\n'};
        new ReplyReader(replies::add).read(Unpooled.wrappedBuffer(reply));
        assertEquals(1, replies.size());
        byte[] value = replies.get(0).toBytes();
        assertEquals(5, value.length);
        assertEquals('\n', value[2]);
        assertEquals((byte) 0xff, value[4]);
    }

    /** RESP's integers are signed 64-bit: both ends of that range are read. */
    @Test
    void theLargestAndSmallestIntegers() {
        List<Response> replies = new ArrayList<>();
        new ReplyReader(replies::add).read(Unpooled.copiedBuffer(":9223372036854775807\r\n:-9223372036854775808\r\n",
                StandardCharsets.US_ASCII));
        assertEquals(List.of(Long.MAX_VALUE, Long.MIN_VALUE), replies.stream().map(Response::toLong).toList());
    }

    @Test
    void bytesThatAreNotResp2AreRefused() {
        for (String bad : List.of("?what\r\n", ":12a\r\n", "$x\r\n", ":1\rX", ":99999999999999999999\r\n",
                ":9223372036854775808\r\n", ":-9223372036854775809\r\n")) {
            ByteBuf in = Unpooled.copiedBuffer(bad, StandardCharsets.US_ASCII);
            ReplyReader.UnreadableReply refused = assertThrows(ReplyReader.UnreadableReply.class,
                    () -> new ReplyReader(reply -> { }).read(in), bad);
            assertTrue(refused.getMessage() != null && !refused.getMessage().isBlank());
            assertEquals(0, in.refCnt(), "released also when refused");
        }
    }
}
