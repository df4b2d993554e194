package net.lorawanns.core.crypto;

import net.lorawanns.core.frame.Direction;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Mic;

/** MIC and payload encryption of data frames (LoRaWAN 1.0.4 section 4.3.3 and 4.4, LoRaWAN 1.1 section 4.3.3 and 4.4). */
public final class DataCrypto {
    private DataCrypto() {
    }

    /**
     * LoRaWAN 1.0: cmac(NwkSKey, B0 | msg)[0..3] with
     * B0 = 0x49 | 0x00000000 | Dir | DevAddr | FCnt (32 bits) | 0x00 | len(msg).
     */
    public static Mic mic10(AesKey nwkSKey, Direction dir, DevAddr devAddr, long fCnt, byte[] msg) {
        return Mic.of(Aes128.cmac(nwkSKey, b0(dir, devAddr, fCnt, msg.length), msg), 0);
    }

    /**
     * {@link #mic10} of a received uplink over its PHYPayload as received: the MIC covers MHDR to FRMPayload, which is
     * everything before the last four bytes (the MIC itself).
     */
    public static Mic uplinkMic10(AesKey nwkSKey, DevAddr devAddr, long fCnt, byte[] phyPayload) {
        int length = micInputLength(phyPayload);
        return new Mic(Aes128.cmac32(nwkSKey, b0(Direction.UPLINK, devAddr, fCnt, length), phyPayload, length));
    }

    /** {@link #micUplink11} of a received uplink over its PHYPayload as received, as {@link #uplinkMic10}. */
    public static Mic uplinkMic11(AesKey sNwkSIntKey, AesKey fNwkSIntKey, int confFCnt, int txDr, int txCh,
                                  DevAddr devAddr, long fCntUp, byte[] phyPayload) {
        int length = micInputLength(phyPayload);
        byte[] b1 = b0(Direction.UPLINK, devAddr, fCntUp, length);
        b1[1] = (byte) confFCnt;
        b1[2] = (byte) (confFCnt >>> 8);
        b1[3] = (byte) txDr;
        b1[4] = (byte) txCh;
        int cmacS = Aes128.cmac32(sNwkSIntKey, b1, phyPayload, length);
        int cmacF = Aes128.cmac32(fNwkSIntKey, b0(Direction.UPLINK, devAddr, fCntUp, length), phyPayload, length);
        return new Mic((cmacS & 0xFFFF0000) | (cmacF >>> 16));
    }

    private static int micInputLength(byte[] phyPayload) {
        if (phyPayload.length < Mic.SIZE + 1) {
            throw new IllegalArgumentException("a PHYPayload holds at least MHDR and MIC, got " + phyPayload.length
                    + " bytes");
        }
        return phyPayload.length - Mic.SIZE;
    }

    /**
     * LoRaWAN 1.1 uplink: cmacS = cmac(SNwkSIntKey, B1 | msg), cmacF = cmac(FNwkSIntKey, B0 | msg),
     * MIC = cmacS[0..1] | cmacF[0..1]; B1 = 0x49 | ConfFCnt | TxDr | TxCh | Dir | DevAddr | FCntUp | 0x00 | len(msg).
     * ConfFCnt is the FCnt of the acknowledged downlink (its low 16 bits) when ACK is set, else 0.
     */
    public static Mic micUplink11(AesKey sNwkSIntKey, AesKey fNwkSIntKey, int confFCnt, int txDr, int txCh,
                                  DevAddr devAddr, long fCntUp, byte[] msg) {
        byte[] b1 = b0(Direction.UPLINK, devAddr, fCntUp, msg.length);
        b1[1] = (byte) confFCnt;
        b1[2] = (byte) (confFCnt >>> 8);
        b1[3] = (byte) txDr;
        b1[4] = (byte) txCh;
        byte[] cmacS = Aes128.cmac(sNwkSIntKey, b1, msg);
        byte[] cmacF = Aes128.cmac(fNwkSIntKey, b0(Direction.UPLINK, devAddr, fCntUp, msg.length), msg);
        return Mic.of(new byte[] {cmacS[0], cmacS[1], cmacF[0], cmacF[1]}, 0);
    }

    /**
     * LoRaWAN 1.1 downlink: cmac(SNwkSIntKey, B0 | msg)[0..3] with
     * B0 = 0x49 | ConfFCnt | 0x0000 | Dir | DevAddr | AFCntDown or NFCntDown | 0x00 | len(msg).
     */
    public static Mic micDownlink11(AesKey sNwkSIntKey, int confFCnt, DevAddr devAddr, long fCntDown, byte[] msg) {
        byte[] b0 = b0(Direction.DOWNLINK, devAddr, fCntDown, msg.length);
        b0[1] = (byte) confFCnt;
        b0[2] = (byte) (confFCnt >>> 8);
        return Mic.of(Aes128.cmac(sNwkSIntKey, b0, msg), 0);
    }

    /**
     * FRMPayload encryption, its own inverse: S = aes128_encrypt(K, A1) | aes128_encrypt(K, A2) | ... with
     * A_i = 0x01 | 0x00000000 | Dir | DevAddr | FCnt | 0x00 | i, XORed over the payload. K is AppSKey, or
     * NwkSEncKey (NwkSKey in 1.0) for FPort 0.
     */
    public static byte[] encryptFrmPayload(AesKey key, Direction dir, DevAddr devAddr, long fCnt, byte[] payload) {
        byte[] out = new byte[payload.length];
        int blocks = (payload.length + Aes128.BLOCK - 1) / Aes128.BLOCK;
        byte[] a = new byte[blocks * Aes128.BLOCK];
        for (int i = 0; i < blocks; i++) {
            byte[] ai = b0(dir, devAddr, fCnt, i + 1);
            ai[0] = 0x01;
            System.arraycopy(ai, 0, a, i * Aes128.BLOCK, Aes128.BLOCK);
        }
        byte[] s = Aes128.process(key, a, true);
        for (int i = 0; i < payload.length; i++) {
            out[i] = (byte) (payload[i] ^ s[i]);
        }
        return out;
    }

    /**
     * LoRaWAN 1.1 FOpts encryption with NwkSEncKey, as amended by the 1.1 errata: one block
     * A = 0x01 | 0x00000000 | Dir | DevAddr | FCnt | 0x00 | 0x01, where A[4] is 0x02 for a downlink counted by
     * AFCntDown (FPort > 0) and 0x01 otherwise. Its own inverse.
     */
    public static byte[] encryptFOpts11(AesKey nwkSEncKey, Direction dir, boolean aFCntDown, DevAddr devAddr,
                                        long fCnt, byte[] fOpts) {
        if (fOpts.length > 15) {
            throw new IllegalArgumentException("FOpts holds at most 15 bytes, got " + fOpts.length);
        }
        byte[] a = b0(dir, devAddr, fCnt, 1);
        a[0] = 0x01;
        a[4] = (byte) (dir == Direction.DOWNLINK && aFCntDown ? 0x02 : 0x01);
        byte[] s = Aes128.encryptBlock(nwkSEncKey, a);
        byte[] out = new byte[fOpts.length];
        for (int i = 0; i < fOpts.length; i++) {
            out[i] = (byte) (fOpts[i] ^ s[i]);
        }
        return out;
    }

    /** The common block 0x49 | 0x00000000 | Dir | DevAddr | FCnt | 0x00 | last. */
    private static byte[] b0(Direction dir, DevAddr devAddr, long fCnt, int last) {
        byte[] block = new byte[Aes128.BLOCK];
        block[0] = 0x49;
        block[5] = (byte) dir.code();
        devAddr.toWire(block, 6);
        block[10] = (byte) fCnt;
        block[11] = (byte) (fCnt >>> 8);
        block[12] = (byte) (fCnt >>> 16);
        block[13] = (byte) (fCnt >>> 24);
        block[15] = (byte) last;
        return block;
    }
}
