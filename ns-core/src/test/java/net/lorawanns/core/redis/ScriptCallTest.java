package net.lorawanns.core.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A script call a lane writes straight as RESP ({@link LuaScript.Call}) is what the client's request for the same
 * EVALSHA or EVAL is written as ({@link RequestWriter}, itself checked against the specification's bytes in
 * {@link RequestWriterTest}): the script's SHA-1 (as {@code sha1sum} prints it) or source, the key count, then keys
 * and arguments, numbers as their decimal digits, strings in UTF-8.
 */
class ScriptCallTest {
    private static final String SOURCE = "return {KEYS[1], ARGV[1]}";
    /** {@code printf 'return {KEYS[1], ARGV[1]}' | sha1sum}. */
    private static final String SHA1 = "d006f1a90249474274c76f5be725b8f5804a346b";
    private final LuaScript script = new LuaScript("test", SOURCE);

    @Test
    void aCallGoesAsEvalshaWithItsKeysAndArguments() {
        byte[] key = "k{1}:b\u00fc".getBytes(StandardCharsets.UTF_8);
        long[] numbers = {0, 9, 10, 127, 128, -1, -10, 1_234_567_890_123L, Long.MAX_VALUE, Long.MIN_VALUE};
        Object[] args = new Object[numbers.length + 3];
        Request expected = Request.cmd(Command.EVALSHA).arg(SHA1).arg("2").arg(key).arg("text-k");
        for (int i = 0; i < numbers.length; i++) {
            args[i] = i % 2 == 0 ? numbers[i] : (Object) Long.valueOf(numbers[i]);
            expected.arg(Long.toString(numbers[i]));
        }
        args[numbers.length] = 42;
        args[numbers.length + 1] = "text \u00fc \u20ac";
        args[numbers.length + 2] = new byte[] {'a', '\r', '\n', 0, (byte) 0xff};
        expected.arg("42").arg("text \u00fc \u20ac").arg(new byte[] {'a', '\r', '\n', 0, (byte) 0xff});
        assertEquals(written(expected), written(script.call(new Object[] {key, "text-k"}, args)));
    }

    @Test
    void sentWholeItGoesAsEvalWithTheSource() {
        LuaScript.Call call = script.call(new String[] {"a"}, new Object[] {7, "x"});
        assertEquals("*6\r\n$4\r\neval\r\n$" + SOURCE.length() + "\r\n" + SOURCE + "\r\n$1\r\n1\r\n$1\r\na\r\n"
                + "$1\r\n7\r\n$1\r\nx\r\n", written(call.whole()));
        assertEquals("*6\r\n$7\r\nevalsha\r\n$40\r\n" + SHA1 + "\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n7\r\n$1\r\nx\r\n",
                written(call));
    }

    @Test
    void anArgumentOfAnotherTypeGoesAsItsStringWhenTheCallIsMade() {
        StringBuilder changing = new StringBuilder("before");
        List<Object> list = List.of(1, 2);
        LuaScript.Call call = script.call(new String[0], new Object[] {changing, list, 2.5, null});
        changing.append("-after");
        assertEquals(written(Request.cmd(Command.EVALSHA).arg(SHA1).arg("0").arg("before").arg("[1, 2]").arg("2.5")
                .arg("null")), written(call));
    }

    /**
     * A lone surrogate is encoded as {@link String#getBytes} encodes it (as '?'), as the client's requests and the
     * routing key are, and the text after it as usual; a surrogate pair as its code point (U+1F600: F0 9F 98 80).
     */
    @Test
    void textWithSurrogatesIsWrittenAsTheJdkEncodesIt() {
        String lone = "\uD800\u00e9";
        byte[] loneBytes = {'k', '?', (byte) 0xc3, (byte) 0xa9};
        String pair = "\uD83D\uDE00";
        byte[] pairBytes = {(byte) 0xf0, (byte) 0x9f, (byte) 0x98, (byte) 0x80};
        LuaScript.Call call = script.call(new String[] {"k" + lone}, new Object[] {lone, pair});
        assertEquals(written(Request.cmd(Command.EVALSHA).arg(SHA1).arg("1").arg(loneBytes)
                .arg(Arrays.copyOfRange(loneBytes, 1, 4)).arg(pairBytes)), written(call));
        assertArrayEquals(loneBytes, call.routingKey());
    }

    /** Typed arrays (keys as {@code byte[][]}, arguments as a {@code Number[]}) take the Strings of the others. */
    @Test
    void anotherTypeInATypedArrayGoesAsItsString() {
        byte[][] keys = {{'a'}, null};
        Number[] args = {7L, (short) 8, null};
        assertEquals(written(Request.cmd(Command.EVALSHA).arg(SHA1).arg("2").arg("a").arg("null").arg("7").arg("8")
                .arg("null")), written(script.call(keys, args)));
    }

    @Test
    void itIsRoutedByItsFirstKey() {
        assertArrayEquals("{d}:a".getBytes(StandardCharsets.UTF_8),
                script.call(new String[] {"{d}:a", "{d}:b"}, new Object[0]).routingKey());
        assertNull(script.call(new String[0], new Object[] {1}).routingKey());
    }

    private static String written(LaneRequest request) {
        ByteBuf out = Unpooled.buffer(request.length(), request.length());
        request.write(out);
        assertEquals(request.length(), out.readableBytes(), "length() is what write() writes");
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static String written(Request request) {
        ByteBuf out = Unpooled.buffer(RequestWriter.length(request), RequestWriter.length(request));
        RequestWriter.write(request, out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
