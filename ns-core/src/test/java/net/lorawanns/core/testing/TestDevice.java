package net.lorawanns.core.testing;

import static net.lorawanns.core.testing.DeviceCrypto.concat;
import static net.lorawanns.core.testing.DeviceCrypto.reversed;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An end device as the LoRaWAN specifications describe it, built on {@link DeviceCrypto}: it makes join-requests,
 * opens join-accepts, derives its session keys, and sends and reads data frames. It shares no code with the server.
 */
public final class TestDevice {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    public final String devEui;
    public final String joinEui;
    public final String version;
    public final byte[] appKey;
    public final byte[] nwkKey;
    private int devNonce;

    public byte[] devAddrLe;
    public byte[] fNwkSIntKey;
    public byte[] sNwkSIntKey;
    public byte[] nwkSEncKey;
    public byte[] appSKey;
    public long fCntUp;
    public int rx1DrOffset;
    public int rx2Dr;
    public int rxDelay;
    public byte[] cfList;

    /** The fields of a received downlink, after its MIC verified. */
    public record Downlink(boolean ack, long fCnt, byte[] fOpts) {
    }

    public TestDevice(String devEui, String joinEui, String version, byte[] appKey, byte[] nwkKey, int firstDevNonce) {
        this.devEui = devEui;
        this.joinEui = joinEui;
        this.version = version;
        this.appKey = appKey;
        this.nwkKey = nwkKey;
        this.devNonce = firstDevNonce;
    }

    public boolean lorawan11() {
        return version.startsWith("1.1");
    }

    /** The key of join messages: NwkKey for 1.1, AppKey for 1.0.x. */
    private byte[] joinKey() {
        return lorawan11() ? nwkKey : appKey;
    }

    public int devNonce() {
        return devNonce;
    }

    /** MHDR 0x00 | JoinEUI | DevEUI | DevNonce | MIC, EUIs little-endian on air (LoRaWAN 1.0.4 section 6.2.4). */
    public byte[] joinRequest(int nonce) {
        devNonce = nonce;
        byte[] msg = concat(new byte[] {0x00}, reversed(HEX.parseHex(joinEui)), reversed(HEX.parseHex(devEui)),
                new byte[] {(byte) nonce, (byte) (nonce >>> 8)});
        return concat(msg, DeviceCrypto.mic(joinKey(), msg));
    }

    /** Opens a join-accept: decrypt (AES encrypt, section 6.2.6), check its MIC, derive the session keys. */
    public void acceptJoin(byte[] phy) {
        byte[] clear = new byte[phy.length - 1];
        for (int i = 1; i < phy.length; i += 16) {
            System.arraycopy(DeviceCrypto.aesEncrypt(joinKey(), Arrays.copyOfRange(phy, i, i + 16)), 0, clear, i - 1, 16);
        }
        byte[] body = Arrays.copyOf(clear, clear.length - 4);
        byte[] mic = Arrays.copyOfRange(clear, clear.length - 4, clear.length);
        byte[] joinNonce = Arrays.copyOfRange(body, 0, 3);
        byte[] netId = Arrays.copyOfRange(body, 3, 6);
        int dlSettings = body[10] & 0xFF;
        boolean optNeg = (dlSettings & 0x80) != 0;
        byte[] nonce = {(byte) devNonce, (byte) (devNonce >>> 8)};
        byte[] expectedMic;
        if (lorawan11() && optNeg) {
            byte[] jsIntKey = DeviceCrypto.derive(nwkKey, 6, reversed(HEX.parseHex(devEui)));
            expectedMic = DeviceCrypto.mic(jsIntKey, new byte[] {(byte) 0xFF}, reversed(HEX.parseHex(joinEui)), nonce,
                    new byte[] {0x20}, body);
        } else {
            expectedMic = DeviceCrypto.mic(joinKey(), new byte[] {0x20}, body);
        }
        if (!Arrays.equals(expectedMic, mic)) {
            throw new AssertionError("join-accept MIC does not verify");
        }
        if (lorawan11() != optNeg) {
            throw new AssertionError("OptNeg is " + optNeg + " for a LoRaWAN " + version + " device");
        }
        devAddrLe = Arrays.copyOfRange(body, 6, 10);
        rx1DrOffset = (dlSettings >>> 4) & 0x07;
        rx2Dr = dlSettings & 0x0F;
        rxDelay = body[11] & 0x0F;
        cfList = body.length > 12 ? Arrays.copyOfRange(body, 12, 28) : null;
        if (lorawan11()) {
            byte[] fields = concat(joinNonce, reversed(HEX.parseHex(joinEui)), nonce);
            fNwkSIntKey = DeviceCrypto.derive(nwkKey, 1, fields);
            appSKey = DeviceCrypto.derive(appKey, 2, fields);
            sNwkSIntKey = DeviceCrypto.derive(nwkKey, 3, fields);
            nwkSEncKey = DeviceCrypto.derive(nwkKey, 4, fields);
        } else {
            byte[] fields = concat(joinNonce, netId, nonce);
            fNwkSIntKey = DeviceCrypto.derive(appKey, 1, fields);
            sNwkSIntKey = fNwkSIntKey;
            nwkSEncKey = fNwkSIntKey;
            appSKey = DeviceCrypto.derive(appKey, 2, fields);
        }
        fCntUp = 0;
    }

    /** Uses an ABP session (1.0 keys: one NwkSKey). */
    public void activate(String devAddrBe, byte[] nwkSKey, byte[] appSKey) {
        this.devAddrLe = reversed(HEX.parseHex(devAddrBe));
        this.fNwkSIntKey = nwkSKey;
        this.sNwkSIntKey = nwkSKey;
        this.nwkSEncKey = nwkSKey;
        this.appSKey = appSKey;
        this.fCntUp = 0;
    }

    public String devAddr() {
        return HEX.formatHex(reversed(devAddrLe));
    }

    /**
     * A data uplink with the next FCnt: MHDR | DevAddr | FCtrl | FCnt | FOpts | FPort | FRMPayload | MIC
     * (LoRaWAN 1.0.4 section 4). 1.1 encrypts FOpts with NwkSEncKey and signs with both integrity keys.
     */
    public byte[] uplink(boolean confirmed, int fPort, byte[] payload, byte[] fOpts, int txDr, int txCh) {
        long fCnt = fCntUp++;
        return frame(confirmed, fCnt, fPort, payload, fOpts, txDr, txCh);
    }

    public byte[] frame(boolean confirmed, long fCnt, int fPort, byte[] payload, byte[] fOpts, int txDr, int txCh) {
        byte[] opts = lorawan11() && fOpts.length > 0
                ? DeviceCrypto.cipherStream(nwkSEncKey, 0, devAddrLe, fCnt, fOpts, 1) : fOpts;
        byte[] msg = concat(new byte[] {(byte) (confirmed ? 0x80 : 0x40)}, devAddrLe, new byte[] {(byte) opts.length,
                (byte) fCnt, (byte) (fCnt >>> 8)}, opts, new byte[] {(byte) fPort},
                DeviceCrypto.cipherStream(appSKey, 0, devAddrLe, fCnt, payload, 0));
        byte[] b0 = DeviceCrypto.b0(0, devAddrLe, fCnt, msg.length);
        if (!lorawan11()) {
            return concat(msg, DeviceCrypto.mic(fNwkSIntKey, b0, msg));
        }
        byte[] b1 = b0.clone();
        b1[3] = (byte) txDr;
        b1[4] = (byte) txCh;
        byte[] s = DeviceCrypto.mic(sNwkSIntKey, b1, msg);
        byte[] f = DeviceCrypto.mic(fNwkSIntKey, b0, msg);
        return concat(msg, new byte[] {s[0], s[1], f[0], f[1]});
    }

    /** Reads a data downlink without FPort, verifying its MIC; {@code confFCnt} is the acknowledged uplink's FCnt. */
    public Downlink read(byte[] phy, long confFCnt) {
        byte[] msg = Arrays.copyOf(phy, phy.length - 4);
        byte[] mic = Arrays.copyOfRange(phy, phy.length - 4, phy.length);
        if (!Arrays.equals(Arrays.copyOfRange(msg, 1, 5), devAddrLe)) {
            throw new AssertionError("downlink for another DevAddr");
        }
        int fCtrl = msg[5] & 0xFF;
        long fCnt = (msg[6] & 0xFF) | (msg[7] & 0xFF) << 8;
        boolean ack = (fCtrl & 0x20) != 0;
        byte[] b0 = DeviceCrypto.b0(1, devAddrLe, fCnt, msg.length);
        if (lorawan11() && ack) {
            b0[1] = (byte) confFCnt;
            b0[2] = (byte) (confFCnt >>> 8);
        }
        byte[] key = lorawan11() ? sNwkSIntKey : fNwkSIntKey;
        if (!Arrays.equals(DeviceCrypto.mic(key, b0, msg), mic)) {
            throw new AssertionError("downlink MIC does not verify");
        }
        byte[] fOpts = Arrays.copyOfRange(msg, 8, 8 + (fCtrl & 0x0F));
        if (lorawan11() && fOpts.length > 0) {
            fOpts = DeviceCrypto.cipherStream(nwkSEncKey, 1, devAddrLe, fCnt, fOpts, 1);
        }
        return new Downlink(ack, fCnt, fOpts);
    }
}
