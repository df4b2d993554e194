package net.lorawanns.sim;

import static net.lorawanns.sim.DeviceCrypto.concat;
import static net.lorawanns.sim.DeviceCrypto.reversed;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An end device as the LoRaWAN specifications describe it, built on {@link DeviceCrypto}: it makes join-requests and
 * LoRaWAN 1.1 rejoin-requests, opens join-accepts and rejoin-accepts, derives its session keys, and sends and reads
 * data frames. Its {@link DeviceMac} (EU868 unless {@link #inRegion} says otherwise) answers the network's MAC
 * commands: {@link #receive} reads a downlink and applies them, {@link #uplinkNow} sends an uplink as the device
 * would now (its data rate, a channel of its own, the pending MAC answers, the ADR bits). It shares no code with the
 * server. Not thread-safe: one thread uses it (a test's, or the simulation's).
 */
public final class SpecDevice {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    public final String devEui;
    public final String joinEui;
    public final String version;
    public final byte[] appKey;
    public final byte[] nwkKey;
    private int devNonce;
    /** RJcount0 of the next type 0 or 2 rejoin-request: 0 again after each accepted join (LoRaWAN 1.1 6.2.4.1). */
    private int rjCount0;
    /** RJcount1 of the next type 1 rejoin-request, never reset for a JoinEUI (LoRaWAN 1.1 section 6.2.4.2). */
    private int rjCount1;
    /** The rejoin type and RJcount of the last rejoin-request, which its rejoin-accept's MIC and keys use. */
    private int lastRejoinType = -1;
    private int lastRejoinCount;
    /** The NetID of the last join-accept, little-endian as on air. */
    private byte[] netIdLe;
    /** The JoinNonce of the last join- or rejoin-accept, as its 3 bytes went over the air (little-endian). */
    private byte[] joinNonceLe;

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
    /** The device's MAC layer and radio settings. */
    public DeviceMac mac;
    /** The ACK bit of the next uplink: set by a confirmed downlink (TS001 1.0.4 section 4.3.1.2). */
    private boolean ackNext;
    private long confirmedDownlinkFCnt;

    /**
     * The fields of a received downlink, after its MIC verified: FOpts in clear, FPort (-1 when absent) and the
     * decrypted FRMPayload.
     */
    public record Downlink(boolean ack, long fCnt, byte[] fOpts, boolean confirmed, int fPort, byte[] frmPayload) {
        /** The MAC commands: FOpts, or the FRMPayload of FPort 0. */
        public byte[] macCommands() {
            return fPort == 0 ? frmPayload : fOpts;
        }
    }

    /** A receive window: where and when the device listens. */
    public record Window(long frequencyHz, String datr, int delaySeconds) {
    }

    /**
     * An uplink as the device sent it: the frame, its FCnt, the channel index and frequency, the data rate, the FPort
     * (-1: none; 0: the MAC commands did not fit in FOpts and went in FRMPayload instead of the application payload),
     * the ADRACKReq bit, and the receive windows that follow it.
     */
    public record Uplink(byte[] phy, long fCnt, int channel, long frequencyHz, int dataRate, String datr, int fPort,
                         boolean adrAckReq, Window rx1, Window rx2) {
    }

    public SpecDevice(String devEui, String joinEui, String version, byte[] appKey, byte[] nwkKey, int firstDevNonce) {
        this.devEui = devEui;
        this.joinEui = joinEui;
        this.version = version;
        this.appKey = appKey;
        this.nwkKey = nwkKey;
        this.devNonce = firstDevNonce;
        this.mac = new DeviceMac(DeviceRegion.EU868, version, 0, devEui.hashCode());
    }

    /** A fresh MAC layer in {@code region} at {@code dataRate}; its channel draws are seeded by the DevEUI. */
    public SpecDevice inRegion(DeviceRegion region, int dataRate) {
        mac = new DeviceMac(region, version, dataRate, devEui.hashCode());
        return this;
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
        accept(phy, joinKey(), 0xFF, devNonce);
    }

    /**
     * Rejoin-request type 0 or 2 with the next RJcount0: MHDR 0xC0 | type | NetID | DevEUI | RJcount0 | MIC, signed
     * with SNwkSIntKey (LoRaWAN 1.1 section 6.2.4.1).
     */
    public byte[] rejoinRequest(int type) {
        return rejoinRequest(type, rjCount0++);
    }

    /** Rejoin-request type 0 or 2 with a given RJcount0 (to replay one). */
    public byte[] rejoinRequest(int type, int count) {
        lastRejoinType = type;
        lastRejoinCount = count;
        return rejoinType0or2(sNwkSIntKey, type, netIdLe, devEui, count);
    }

    /** Rejoin-request type 1 with the next RJcount1. */
    public byte[] rejoinRequest1() {
        return rejoinRequest1(rjCount1++);
    }

    /**
     * Rejoin-request type 1 with a given RJcount1: MHDR 0xC0 | 1 | JoinEUI | DevEUI | RJcount1 | MIC, signed with
     * JSIntKey = aes128_encrypt(NwkKey, 0x06 | DevEUI | pad16) (LoRaWAN 1.1 sections 6.2.4.2 and 6.1.1.3).
     */
    public byte[] rejoinRequest1(int count) {
        lastRejoinType = 1;
        lastRejoinCount = count;
        return rejoinType1(DeviceCrypto.derive(nwkKey, 6, reversed(HEX.parseHex(devEui))), joinEui, devEui, count);
    }

    public static byte[] rejoinType0or2(byte[] sNwkSIntKey, int type, byte[] netIdLe, String devEui, int count) {
        byte[] msg = concat(new byte[] {(byte) 0xC0, (byte) type}, netIdLe, reversed(HEX.parseHex(devEui)),
                new byte[] {(byte) count, (byte) (count >>> 8)});
        return concat(msg, DeviceCrypto.mic(sNwkSIntKey, msg));
    }

    public static byte[] rejoinType1(byte[] jsIntKey, String joinEui, String devEui, int count) {
        byte[] msg = concat(new byte[] {(byte) 0xC0, 1}, reversed(HEX.parseHex(joinEui)),
                reversed(HEX.parseHex(devEui)), new byte[] {(byte) count, (byte) (count >>> 8)});
        return concat(msg, DeviceCrypto.mic(jsIntKey, msg));
    }

    /**
     * Opens the rejoin-accept of the last rejoin-request: a join-accept encrypted with JSEncKey =
     * aes128_encrypt(NwkKey, 0x05 | DevEUI | pad16), whose MIC and keys take the rejoin type for JoinReqType and its
     * RJcount for DevNonce (LoRaWAN 1.1 sections 6.1.1.4 and 6.2.3).
     */
    public void acceptRejoin(byte[] phy) {
        if (lastRejoinType < 0) {
            throw new AssertionError("no rejoin-request was sent");
        }
        accept(phy, DeviceCrypto.derive(nwkKey, 5, reversed(HEX.parseHex(devEui))), lastRejoinType, lastRejoinCount);
    }

    private void accept(byte[] phy, byte[] decryptionKey, int joinReqType, int nonceValue) {
        byte[] clear = new byte[phy.length - 1];
        for (int i = 1; i < phy.length; i += 16) {
            System.arraycopy(DeviceCrypto.aesEncrypt(decryptionKey, Arrays.copyOfRange(phy, i, i + 16)), 0, clear,
                    i - 1, 16);
        }
        byte[] body = Arrays.copyOf(clear, clear.length - 4);
        byte[] mic = Arrays.copyOfRange(clear, clear.length - 4, clear.length);
        byte[] joinNonce = Arrays.copyOfRange(body, 0, 3);
        byte[] netId = Arrays.copyOfRange(body, 3, 6);
        int dlSettings = body[10] & 0xFF;
        boolean optNeg = (dlSettings & 0x80) != 0;
        byte[] nonce = {(byte) nonceValue, (byte) (nonceValue >>> 8)};
        byte[] expectedMic;
        if (lorawan11() && optNeg) {
            byte[] jsIntKey = DeviceCrypto.derive(nwkKey, 6, reversed(HEX.parseHex(devEui)));
            expectedMic = DeviceCrypto.mic(jsIntKey, new byte[] {(byte) joinReqType}, reversed(HEX.parseHex(joinEui)),
                    nonce, new byte[] {0x20}, body);
        } else {
            expectedMic = DeviceCrypto.mic(joinKey(), new byte[] {0x20}, body);
        }
        if (!Arrays.equals(expectedMic, mic)) {
            throw new AssertionError((joinReqType == 0xFF ? "join" : "rejoin") + "-accept MIC does not verify");
        }
        if (lorawan11() != optNeg) {
            throw new AssertionError("OptNeg is " + optNeg + " for a LoRaWAN " + version + " device");
        }
        netIdLe = netId;
        joinNonceLe = joinNonce;
        devAddrLe = Arrays.copyOfRange(body, 6, 10);
        rx1DrOffset = (dlSettings >>> 4) & 0x07;
        rx2Dr = dlSettings & 0x0F;
        rxDelay = body[11] & 0x0F;
        cfList = body.length > 12 ? Arrays.copyOfRange(body, 12, 28) : null;
        mac.joined(rx1DrOffset, rx2Dr, rxDelay, cfList);
        ackNext = false;
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
        rjCount0 = 0;
        lastRejoinType = -1;
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

    /** The JoinNonce of the last accept the device took (LoRaWAN 1.1 section 6.2.3, sent little-endian). */
    public int joinNonce() {
        return (joinNonceLe[0] & 0xFF) | (joinNonceLe[1] & 0xFF) << 8 | (joinNonceLe[2] & 0xFF) << 16;
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
        return frame(confirmed, fCnt, 0, fPort, payload, fOpts, txDr, txCh);
    }

    /**
     * A data uplink with FCtrl bits {@code fCtrlBits} (ADR 0x80, ADRACKReq 0x40, ACK 0x20, Class B 0x10) and FPort
     * {@code fPort}, or no FPort and FRMPayload when it is -1. FRMPayload is encrypted with AppSKey, or for FPort 0
     * with NwkSEncKey (the 1.0 NwkSKey).
     */
    public byte[] frame(boolean confirmed, long fCnt, int fCtrlBits, int fPort, byte[] payload, byte[] fOpts,
                        int txDr, int txCh) {
        byte[] opts = lorawan11() && fOpts.length > 0
                ? DeviceCrypto.cipherStream(nwkSEncKey, 0, devAddrLe, fCnt, fOpts, 1) : fOpts;
        byte[] port = fPort < 0 ? new byte[0] : new byte[] {(byte) fPort};
        if (fPort < 0 && payload.length > 0) {
            throw new IllegalArgumentException("a payload needs an FPort");
        }
        byte[] msg = concat(new byte[] {(byte) (confirmed ? 0x80 : 0x40)}, devAddrLe, new byte[] {
            (byte) (fCtrlBits | opts.length), (byte) fCnt, (byte) (fCnt >>> 8)}, opts, port,
                DeviceCrypto.cipherStream(fPort == 0 ? nwkSEncKey : appSKey, 0, devAddrLe, fCnt, payload, 0));
        byte[] b0 = DeviceCrypto.b0(0, devAddrLe, fCnt, msg.length);
        if (!lorawan11()) {
            return concat(msg, DeviceCrypto.mic(fNwkSIntKey, b0, msg));
        }
        // LoRaWAN 1.1 section 4.4: B1 carries ConfFCnt (of the acknowledged downlink), TxDr and TxCh.
        byte[] b1 = b0.clone();
        if ((fCtrlBits & 0x20) != 0) {
            b1[1] = (byte) confirmedDownlinkFCnt;
            b1[2] = (byte) (confirmedDownlinkFCnt >>> 8);
        }
        b1[3] = (byte) txDr;
        b1[4] = (byte) txCh;
        byte[] s = DeviceCrypto.mic(sNwkSIntKey, b1, msg);
        byte[] f = DeviceCrypto.mic(fNwkSIntKey, b0, msg);
        return concat(msg, new byte[] {s[0], s[1], f[0], f[1]});
    }

    /**
     * The next uplink as the device would send it now: the next FCnt, its current data rate, a channel from its
     * enabled ones (or the pinned one), the ADR bit, the ADRACKReq bit per ADR_ACK_CNT (which this uplink counts),
     * ACK after a confirmed downlink, the Class B bit in Class B mode, and the pending MAC commands in FOpts. When
     * those do not fit in FOpts' 15 octets, they go as FRMPayload on FPort 0 and the application payload is not sent
     * (see {@link Uplink#fPort}).
     * {@code fPort} -1 sends no FPort (MAC commands only).
     */
    public Uplink uplinkNow(boolean confirmed, int fPort, byte[] payload) {
        DeviceMacState state = mac.state;
        boolean adrAckReq = state.countUplink();
        int channel = state.nextChannel();
        int dr = state.dataRate;
        byte[] commands = mac.takeUplinkCommands();
        int port = fPort;
        byte[] body = payload;
        byte[] fOpts = commands;
        if (commands.length > 15) {
            port = 0;
            body = commands;
            fOpts = new byte[0];
        }
        boolean classB = mac.classB != null && mac.classB.active;
        int fCtrl = (state.adr ? 0x80 : 0) | (adrAckReq ? 0x40 : 0) | (ackNext ? 0x20 : 0) | (classB ? 0x10 : 0);
        ackNext = false;
        long fCnt = fCntUp++;
        byte[] phy = frame(confirmed, fCnt, fCtrl, port, body, fOpts, dr, channel);
        DeviceRegion region = state.region;
        Window rx1 = new Window(state.rx1FrequencyHz(channel), region.datr(state.rx1Dr()), state.rx1Delay);
        Window rx2 = new Window(state.rx2FrequencyHz, region.datr(state.rx2Dr), state.rx1Delay + 1);
        return new Uplink(phy, fCnt, channel, state.channel(channel).frequencyHz(), dr, region.datr(dr), port,
                adrAckReq, rx1, rx2);
    }

    /** The first Class B ping slot the device opens at or after {@code gpsMillis} (see {@link DeviceClassB}). */
    public DeviceClassB.Slot nextPingSlot(long gpsMillis) {
        if (mac.classB == null) {
            throw new IllegalStateException("the device is not Class B capable: call mac.classB(periodicity)");
        }
        return mac.classB.nextSlot(gpsMillis, devAddrLe);
    }

    /** An unconfirmed uplink with only the pending MAC commands (in FOpts, or on FPort 0 when they do not fit). */
    public Uplink macUplink() {
        return uplinkNow(false, -1, new byte[0]);
    }

    /**
     * Receives a downlink that answers the last uplink: reads it ({@link #read}), then lets the MAC layer apply its
     * commands (which restarts ADR_ACK_CNT even when there are none); a confirmed downlink is acknowledged by the
     * next uplink.
     */
    public Downlink receive(byte[] phy) {
        Downlink downlink = read(phy, fCntUp - 1);
        mac.receive(downlink.macCommands());
        if (downlink.confirmed()) {
            ackNext = true;
            confirmedDownlinkFCnt = downlink.fCnt();
        }
        return downlink;
    }

    /**
     * Reads a data downlink, verifying its MIC; {@code confFCnt} is the acknowledged uplink's FCnt. LoRaWAN 1.1 FOpts
     * are decrypted with NwkSEncKey (1.1 errata: A[4] is 0x02 when FCnt is AFCntDown, i.e. FPort > 0); FRMPayload
     * with AppSKey, or NwkSEncKey for FPort 0. MAC commands in FOpts and on FPort 0 at once make the frame invalid.
     */
    public Downlink read(byte[] phy, long confFCnt) {
        byte[] msg = Arrays.copyOf(phy, phy.length - 4);
        byte[] mic = Arrays.copyOfRange(phy, phy.length - 4, phy.length);
        int mType = (msg[0] & 0xFF) >>> 5;
        if (mType != 3 && mType != 5) {
            throw new AssertionError("not a data downlink: MType " + mType);
        }
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
        int fOptsEnd = 8 + (fCtrl & 0x0F);
        byte[] fOpts = Arrays.copyOfRange(msg, 8, fOptsEnd);
        int fPort = msg.length > fOptsEnd ? msg[fOptsEnd] & 0xFF : -1;
        byte[] frmPayload = fPort < 0 ? new byte[0] : Arrays.copyOfRange(msg, fOptsEnd + 1, msg.length);
        if (fPort == 0 && fOpts.length > 0) {
            throw new AssertionError("MAC commands in FOpts and on FPort 0 in one downlink");
        }
        if (lorawan11() && fOpts.length > 0) {
            fOpts = DeviceCrypto.cipherStream(nwkSEncKey, 1, devAddrLe, fCnt, fOpts, fPort > 0 ? 2 : 1);
        }
        if (frmPayload.length > 0) {
            byte[] payloadKey = fPort == 0 ? nwkSEncKey : appSKey;
            frmPayload = DeviceCrypto.cipherStream(payloadKey, 1, devAddrLe, fCnt, frmPayload, 0);
        }
        return new Downlink(ack, fCnt, fOpts, mType == 5, fPort, frmPayload);
    }
}
