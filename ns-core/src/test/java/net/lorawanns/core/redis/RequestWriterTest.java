package net.lorawanns.core.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link RequestWriter} against the bytes of the RESP protocol specification
 * (https://redis.io/docs/latest/develop/reference/protocol-spec/): "Clients send commands to a Redis server as an
 * array of bulk strings", an array being {@code *<number-of-elements>\r\n<element-1>...<element-n>} and a bulk string
 * {@code $<length>\r\n<data>\r\n}. Command names go as the Vert.x client spells them, in lower case (Redis reads a
 * command's name in any case); the specification's example writes LLEN in capitals.
 */
class RequestWriterTest {
    private static String written(Request... requests) {
        int length = 0;
        for (Request request : requests) {
            length += RequestWriter.length(request);
        }
        ByteBuf out = Unpooled.buffer(length, length);
        for (Request request : requests) {
            RequestWriter.write(request, out);
        }
        assertEquals(length, out.readableBytes(), "length() is what write() writes");
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void theSpecificationsLlenExample() {
        // The specification's example: "C: *2\r\n$4\r\nLLEN\r\n$6\r\nmylist\r\n" (the name in lower case).
        assertEquals("*2\r\n$4\r\nllen\r\n$6\r\nmylist\r\n", written(Request.cmd(Command.LLEN).arg("mylist")));
    }

    @Test
    void theSpecificationsBulkStringsHelloAndEmpty() {
        // "hello" is "$5\r\nhello\r\n"; "The empty string's encoding is: $0\r\n\r\n".
        assertEquals("*3\r\n$3\r\nset\r\n$5\r\nhello\r\n$0\r\n\r\n",
                written(Request.cmd(Command.SET).arg("hello").arg("")));
    }

    @Test
    void aCommandWithoutArgumentsIsAnArrayOfOne() {
        assertEquals("*1\r\n$4\r\nping\r\n", written(Request.cmd(Command.PING)));
    }

    @Test
    void countsAndLengthsOfSeveralDigits() {
        Request mget = Request.cmd(Command.MGET);
        StringBuilder expected = new StringBuilder("*11\r\n$4\r\nmget\r\n");
        for (int i = 0; i < 10; i++) {
            mget.arg("k" + i);
            expected.append("$2\r\nk").append(i).append("\r\n");
        }
        assertEquals(expected.toString(), written(mget));
        String hundred = "v".repeat(100);
        assertEquals("*3\r\n$3\r\nset\r\n$1\r\nk\r\n$100\r\n" + hundred + "\r\n",
                written(Request.cmd(Command.SET).arg("k").arg(hundred)));
        String thousands = "w".repeat(12_345);
        assertEquals("*3\r\n$3\r\nset\r\n$1\r\nk\r\n$12345\r\n" + thousands + "\r\n",
                written(Request.cmd(Command.SET).arg("k").arg(thousands)));
    }

    @Test
    void numbersGoAsTheirDecimalDigitsInBulkStrings() {
        assertEquals("*3\r\n$6\r\nincrby\r\n$1\r\nk\r\n$6\r\n-12345\r\n",
                written(Request.cmd(Command.INCRBY).arg("k").arg(-12345L)));
        assertEquals("*3\r\n$6\r\nexpire\r\n$1\r\nk\r\n$1\r\n0\r\n", written(Request.cmd(Command.EXPIRE).arg("k")
                .arg(0)));
    }

    @Test
    void bulkStringsAreBinarySafe() {
        // "Bulk strings can contain anything": CR LF inside is data, the length says where it ends.
        byte[] value = {'a', '\r', '\n', 0, (byte) 0xff};
        assertEquals("*3\r\n$3\r\nset\r\n$1\r\nk\r\n$5\r\na\r\n\u0000\u00ff\r\n",
                written(Request.cmd(Command.SET).arg("k").arg(value)));
    }

    @Test
    void requestsOfOneWriteFollowEachOther() {
        // Pipelining: the requests one after the other, nothing between them.
        assertEquals("*1\r\n$5\r\nmulti\r\n*2\r\n$4\r\nincr\r\n$3\r\nfoo\r\n*1\r\n$4\r\nping\r\n",
                written(Request.cmd(Command.MULTI), Request.cmd(Command.INCR).arg("foo"), Request.cmd(Command.PING)));
    }
}
