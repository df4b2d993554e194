package net.lorawanns.deploy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;
import net.lorawanns.core.crypto.DataCrypto;
import net.lorawanns.core.frame.DataFrame;
import net.lorawanns.core.frame.Direction;
import net.lorawanns.core.frame.FCtrl;
import net.lorawanns.core.frame.MType;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.Mic;

/**
 * The start-up warm-up's devices and gateways, and the Semtech UDP datagrams they send: ABP devices (LoRaWAN 1.0.3)
 * sharing one session key made at random for this warm-up (it never leaves the process but sealed, in the
 * warm-up's own Redis keys), each frame an unconfirmed uplink heard by {@link #COPIES} gateways. Frame {@code i} is
 * device {@code i mod DEVICES}'s uplink number {@code i / DEVICES}, so that every frame is its device's next one.
 */
final class WarmUpTraffic {
    static final int DEVICES = 2_000;
    static final int GATEWAYS = 1_000;
    static final int COPIES = 3;
    /** Gateway EUIs and DevEUIs of the warm-up: out of the way of IEEE-assigned ones (the local bit set). */
    private static final long GATEWAY_EUI_BASE = 0xFE57_0000_0000_0000L;
    private static final long DEV_EUI_BASE = 0xFE57_0001_0000_0000L;
    private static final int PROTOCOL_VERSION = 2;
    private static final byte PUSH_DATA = 0x00;
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private final AesKey key;

    WarmUpTraffic() {
        byte[] bytes = new byte[AesKey.SIZE];
        new SecureRandom().nextBytes(bytes);
        this.key = AesKey.of(bytes);
    }

    /** The session key of every device (FNwkSIntKey = SNwkSIntKey = NwkSEncKey = AppSKey). */
    AesKey key() {
        return key;
    }

    static Eui64 devEui(int device) {
        return new Eui64(DEV_EUI_BASE + device);
    }

    static DevAddr devAddr(int device) {
        return new DevAddr(device + 1);
    }

    /**
     * The gateways registered with the warm-up's bridge: every other one, so that both a registered gateway's
     * datagrams and an unregistered one's (accepted or refused, as {@code gateway.udp.unknown_gateways} says) take
     * their path; each frame has a registered gateway among its three.
     */
    static Set<Eui64> registeredGateways() {
        Set<Eui64> registered = new HashSet<>();
        for (int g = 0; g < GATEWAYS; g += 2) {
            registered.add(new Eui64(GATEWAY_EUI_BASE + g));
        }
        return registered;
    }

    /** Frame {@code frame}'s PHYPayload: its device's next unconfirmed uplink on FPort 1. */
    byte[] phyPayload(int frame) {
        DevAddr devAddr = devAddr(frame % DEVICES);
        int fCnt = frame / DEVICES;
        byte[] payload = DataCrypto.encryptFrmPayload(key, Direction.UPLINK, devAddr, fCnt,
                new byte[] {(byte) frame, (byte) (frame >>> 8), (byte) (frame >>> 16), 0x42});
        DataFrame unsigned = new DataFrame(MType.UNCONFIRMED_DATA_UP, devAddr, FCtrl.uplink(false, false, false,
                false), fCnt & 0xFFFF, new byte[0], OptionalInt.of(1), payload, new Mic(0));
        return unsigned.withMic(DataCrypto.mic10(key, Direction.UPLINK, devAddr, fCnt, unsigned.micInput())).encode();
    }

    /**
     * The PUSH_DATA of copy {@code copy} of a frame (one rxpk, 868.1 MHz, SF7BW125), from its own gateway, with
     * random token {@code token} (Semtech's PROTOCOL.TXT, section 3).
     */
    static byte[] pushData(int frame, int copy, byte[] phyPayload, int token) {
        long gateway = GATEWAY_EUI_BASE + Math.floorMod(frame * COPIES + copy, GATEWAYS);
        String json = new StringBuilder(160 + phyPayload.length * 4 / 3)
                .append("{\"rxpk\":[{\"tmst\":").append((frame * 1_000L) & 0xFFFF_FFFFL)
                .append(",\"chan\":0,\"rfch\":0,\"freq\":868.100000,\"stat\":1,\"modu\":\"LORA\",")
                .append("\"datr\":\"SF7BW125\",\"codr\":\"4/5\",\"lsnr\":").append(9 - copy).append(".0,\"rssi\":")
                .append(-60 - 10 * copy).append(",\"size\":").append(phyPayload.length).append(",\"data\":\"")
                .append(BASE64.encodeToString(phyPayload)).append("\"}]}").toString();
        byte[] body = json.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(12 + body.length).put((byte) PROTOCOL_VERSION).putShort((short) token)
                .put(PUSH_DATA).putLong(gateway).put(body).array();
    }
}
