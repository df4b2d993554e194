package net.lorawanns.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import net.lorawanns.core.types.AesKey;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/**
 * {@link Aes128#cmac}: the examples of RFC 4493 section 4, and its CMACs kept per thread with their keys agree with a
 * CMAC made for each message, on random keys, lengths and splits of the message.
 */
class Aes128CmacTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final AesKey RFC_KEY = AesKey.of(HEX.parseHex("2b7e151628aed2a6abf7158809cf4f3c"));
    private static final String RFC_MESSAGE = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
            + "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";

    @Test
    void rfc4493Examples() {
        assertArrayEquals(HEX.parseHex("bb1d6929e95937287fa37d129b756746"), Aes128.cmac(RFC_KEY, new byte[0]));
        assertArrayEquals(HEX.parseHex("070a16b46b4d4144f79bdd9dd04a287c"), Aes128.cmac(RFC_KEY, message(16)));
        assertArrayEquals(HEX.parseHex("dfa66747de9ae63030ca32611497c827"), Aes128.cmac(RFC_KEY, message(40)));
        assertArrayEquals(HEX.parseHex("51f0bebf7e3b9d92fc49741779363cfe"), Aes128.cmac(RFC_KEY, message(64)));
        byte[] whole = message(40);
        byte[] head = Arrays.copyOf(whole, 13);
        byte[] tail = Arrays.copyOfRange(whole, 13, 40);
        assertArrayEquals(HEX.parseHex("dfa66747de9ae63030ca32611497c827"), Aes128.cmac(RFC_KEY, head, tail),
                "in two parts");
    }

    /**
     * Keys drawn again and again from more keys than {@link KeyedCmacs} has slots: a CMAC kept ready with its key, or
     * one given a key that takes another's slot, gives the tag of a CMAC made for the message.
     */
    @Test
    void aCmacKeptPerThreadAgreesWithOneMadePerMessage() {
        Random random = new Random(16);
        byte[][] keys = new byte[KeyedCmacs.SLOTS + KeyedCmacs.SLOTS / 2][16];
        for (byte[] key : keys) {
            random.nextBytes(key);
        }
        for (int i = 0; i < 20_000; i++) {
            byte[] key = keys[i < keys.length ? i : random.nextInt(keys.length)];
            byte[] head = new byte[random.nextInt(20)];
            byte[] body = new byte[random.nextInt(70)];
            random.nextBytes(head);
            random.nextBytes(body);
            CMac reference = new CMac(new AESEngine());
            reference.init(new KeyParameter(key));
            reference.update(head, 0, head.length);
            reference.update(body, 0, body.length);
            byte[] expected = new byte[16];
            reference.doFinal(expected, 0);
            assertArrayEquals(expected, Aes128.cmac(AesKey.of(key), head, body), "case " + i);
        }
    }

    /** A message left half fed (a part that is not there) does not spoil the next tag with that key on the thread. */
    @Test
    void aMessageLeftHalfFedDoesNotSpoilTheNextTag() {
        assertThrows(NullPointerException.class, () -> Aes128.cmac(RFC_KEY, message(7), null));
        assertArrayEquals(HEX.parseHex("070a16b46b4d4144f79bdd9dd04a287c"), Aes128.cmac(RFC_KEY, message(16)));
    }

    private static byte[] message(int length) {
        return HEX.parseHex(RFC_MESSAGE.substring(0, 2 * length));
    }
}
