package net.lorawanns.core.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A deduplication set's keys written as bytes are the keys every instance (and earlier versions) name as text. */
class RedisKeysTest {
    @Test
    void aDeduplicationSetsKeysAsBytesAreItsKeysAsText() {
        String frameId = "00112233445566778899aabbccddeeff:868100000";
        byte[][] set = new RedisKeys("näme:").dedupSet(new RedisKeys.AsciiId() {
            @Override
            public int length() {
                return frameId.length();
            }

            @Override
            public void writeTo(byte[] into, int at) {
                byte[] ascii = frameId.getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(ascii, 0, into, at, ascii.length);
            }
        });
        assertArrayEquals(("näme:lorawan:dedup:{" + frameId + "}:lock").getBytes(StandardCharsets.UTF_8), set[0]);
        assertArrayEquals(("näme:lorawan:dedup:{" + frameId + "}:copies").getBytes(StandardCharsets.UTF_8), set[1]);
    }
}
