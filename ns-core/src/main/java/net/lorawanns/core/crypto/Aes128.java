package net.lorawanns.core.crypto;

import net.lorawanns.core.types.AesKey;
import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;

/** The AES-128 primitives LoRaWAN is built on, on BouncyCastle: single-block ECB and AES-CMAC (RFC 4493). Any thread. */
public final class Aes128 {
    public static final int BLOCK = 16;
    private static final ThreadLocal<KeyedCmacs> CMACS = ThreadLocal.withInitial(KeyedCmacs::new);

    private Aes128() {
    }

    public static byte[] encryptBlock(AesKey key, byte[] block) {
        return process(key, block, true);
    }

    public static byte[] decryptBlock(AesKey key, byte[] block) {
        return process(key, block, false);
    }

    /** ECB over whole blocks; {@code data} must be a multiple of 16 bytes. */
    static byte[] process(AesKey key, byte[] data, boolean encrypt) {
        if (data.length % BLOCK != 0) {
            throw new IllegalArgumentException("AES-ECB input must be whole 16-byte blocks, got " + data.length);
        }
        BlockCipher aes = AESEngine.newInstance();
        aes.init(encrypt, new KeyParameter(key.bytes()));
        byte[] out = new byte[data.length];
        for (int i = 0; i < data.length; i += BLOCK) {
            aes.processBlock(data, i, out, i);
        }
        return out;
    }

    /** AES-CMAC over the concatenation of {@code parts}. */
    public static byte[] cmac(AesKey key, byte[]... parts) {
        CMac mac = CMACS.get().ready(key);
        for (byte[] part : parts) {
            mac.update(part, 0, part.length);
        }
        byte[] out = new byte[mac.getMacSize()];
        mac.doFinal(out, 0);
        return out;
    }

    /**
     * The first 32 bits (big-endian) of the AES-CMAC over {@code block} followed by the first {@code length} bytes of
     * {@code message}: a received frame's MIC input is its bytes before the MIC, fed as they are.
     */
    static int cmac32(AesKey key, byte[] block, byte[] message, int length) {
        KeyedCmacs cmacs = CMACS.get();
        CMac mac = cmacs.ready(key);
        mac.update(block, 0, block.length);
        mac.update(message, 0, length);
        byte[] tag = cmacs.tag;
        mac.doFinal(tag, 0);
        return ((tag[0] & 0xFF) << 24) | ((tag[1] & 0xFF) << 16) | ((tag[2] & 0xFF) << 8) | (tag[3] & 0xFF);
    }
}
