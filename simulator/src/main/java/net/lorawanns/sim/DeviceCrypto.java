package net.lorawanns.sim;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The end device's cryptography, written from the specifications (AES-128 from the JDK, AES-CMAC
 * from RFC 4493) and sharing no code with the server. {@code DeviceCryptoTest} checks it against the shared vectors.
 */
public final class DeviceCrypto {
    private DeviceCrypto() {
    }

    public static byte[] aesEncrypt(byte[] key, byte[] block) {
        return aes(Cipher.ENCRYPT_MODE, key, block);
    }

    /** AES decryption, which a join server uses to encrypt a join-accept (LoRaWAN 1.0.4 section 6.2.6). */
    public static byte[] aesDecrypt(byte[] key, byte[] block) {
        return aes(Cipher.DECRYPT_MODE, key, block);
    }

    private static byte[] aes(int mode, byte[] key, byte[] block) {
        try {
            Cipher cipher = Cipher.getInstance("AES/ECB/NoPadding");
            cipher.init(mode, new SecretKeySpec(key, "AES"));
            return cipher.doFinal(block);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 3394 key wrap with the JDK's own AESWrap, as a join server would send a KeyEnvelope. */
    public static byte[] wrap(byte[] kek, byte[] key) {
        try {
            Cipher cipher = Cipher.getInstance("AESWrap");
            cipher.init(Cipher.WRAP_MODE, new SecretKeySpec(kek, "AES"));
            return cipher.wrap(new SecretKeySpec(key, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 4493 section 2.4. */
    public static byte[] cmac(byte[] key, byte[] message) {
        byte[] l = aesEncrypt(key, new byte[16]);
        byte[] k1 = doubled(l);
        byte[] k2 = doubled(k1);
        int blocks = Math.max(1, (message.length + 15) / 16);
        boolean complete = message.length > 0 && message.length % 16 == 0;
        byte[] last = new byte[16];
        int lastStart = (blocks - 1) * 16;
        if (complete) {
            for (int i = 0; i < 16; i++) {
                last[i] = (byte) (message[lastStart + i] ^ k1[i]);
            }
        } else {
            int remaining = message.length - lastStart;
            System.arraycopy(message, lastStart, last, 0, remaining);
            last[remaining] = (byte) 0x80;
            for (int i = 0; i < 16; i++) {
                last[i] ^= k2[i];
            }
        }
        byte[] x = new byte[16];
        for (int b = 0; b < blocks - 1; b++) {
            for (int i = 0; i < 16; i++) {
                x[i] ^= message[b * 16 + i];
            }
            x = aesEncrypt(key, x);
        }
        for (int i = 0; i < 16; i++) {
            x[i] ^= last[i];
        }
        return aesEncrypt(key, x);
    }

    private static byte[] doubled(byte[] block) {
        byte[] out = new byte[16];
        for (int i = 0; i < 16; i++) {
            out[i] = (byte) ((block[i] << 1) | (i < 15 ? (block[i + 1] & 0xFF) >>> 7 : 0));
        }
        if ((block[0] & 0x80) != 0) {
            out[15] ^= (byte) 0x87;
        }
        return out;
    }

    public static byte[] mic(byte[] key, byte[]... parts) {
        return Arrays.copyOf(cmac(key, concat(parts)), 4);
    }

    public static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    public static byte[] le32(long value) {
        return new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
    }

    public static byte[] reversed(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }

    /** B0 of the data MIC: 0x49 | 4 x 0x00 | Dir | DevAddr | FCnt | 0x00 | len (LoRaWAN 1.0.4 section 4.4). */
    public static byte[] b0(int dir, byte[] devAddrLe, long fCnt, int length) {
        return concat(new byte[] {0x49, 0, 0, 0, 0, (byte) dir}, devAddrLe, le32(fCnt), new byte[] {0, (byte) length});
    }

    /** FRMPayload (and 1.1 FOpts) keystream XOR: A_i = 0x01 | 4 x 0x00 | Dir | DevAddr | FCnt | 0x00 | i. */
    public static byte[] cipherStream(byte[] key, int dir, byte[] devAddrLe, long fCnt, byte[] data, int a4) {
        byte[] out = new byte[data.length];
        for (int block = 0; block * 16 < data.length; block++) {
            byte[] a = concat(new byte[] {0x01, 0, 0, 0, (byte) a4, (byte) dir}, devAddrLe, le32(fCnt),
                    new byte[] {0, (byte) (a4 == 0 ? block + 1 : 1)});
            byte[] s = aesEncrypt(key, a);
            for (int i = 0; i < 16 && block * 16 + i < data.length; i++) {
                out[block * 16 + i] = (byte) (data[block * 16 + i] ^ s[i]);
            }
        }
        return out;
    }

    /** RFC 3394 key unwrap with the JDK's own AESWrap, as a KeyEnvelope's receiver would do it. */
    public static byte[] unwrap(byte[] kek, byte[] wrapped) {
        try {
            Cipher cipher = Cipher.getInstance("AESWrap");
            cipher.init(Cipher.UNWRAP_MODE, new SecretKeySpec(kek, "AES"));
            return cipher.unwrap(wrapped, "AES", Cipher.SECRET_KEY).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A session key: aes128_encrypt(root, prefix | fields | pad16). */
    public static byte[] derive(byte[] root, int prefix, byte[]... fields) {
        return aesEncrypt(root, Arrays.copyOf(concat(new byte[] {(byte) prefix}, concat(fields)), 16));
    }
}
