package net.lorawanns.core.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import net.lorawanns.core.types.Eui64;
import org.junit.jupiter.api.Test;

/**
 * Keys written as bytes (a deduplication set's, a data uplink's) are the keys every instance (and earlier versions)
 * name as text.
 */
class RedisKeysTest {
    @Test
    void aDeduplicationSetsKeyAsBytesIsItsKeyAsText() {
        String frameId = "00112233445566778899aabbccddeeff:868100000";
        byte[] lock = new RedisKeys("näme:").dedupLock(new RedisKeys.AsciiId() {
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
        assertArrayEquals(("näme:lorawan:dedup:{" + frameId + "}:lock").getBytes(StandardCharsets.UTF_8), lock);
    }

    @Test
    void aDataUplinksKeysAsBytesAreTheDevicesKeysAsText() {
        byte[][] keys = new RedisKeys("näme:").uplinkKeys(Eui64.parse("F0e1D2c3B4a59687"));
        assertArrayEquals(utf8("näme:lorawan:device:{F0E1D2C3B4A59687}:session"), keys[0]);
        assertArrayEquals(utf8("näme:lorawan:device:{F0E1D2C3B4A59687}"), keys[1]);
        assertArrayEquals(utf8("näme:lorawan:device:{F0E1D2C3B4A59687}:queue"), keys[2]);
        assertArrayEquals(utf8("näme:lorawan:device:{F0E1D2C3B4A59687}:downlink"), keys[3]);
        assertArrayEquals(utf8("lorawan:device:{0000000000000A01}:session"),
                new RedisKeys("").uplinkKeys(new Eui64(0xA01))[0]);
    }

    private static byte[] utf8(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
