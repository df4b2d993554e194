package net.lorawanns.core.frame;

import java.util.Arrays;
import java.util.Optional;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.JoinNonce;
import net.lorawanns.core.types.Mic;
import net.lorawanns.core.types.NetId;

/**
 * A join-accept in clear: MHDR | JoinNonce | Home_NetID | DevAddr | DLSettings | RxDelay | [CFList] | MIC
 * (LoRaWAN 1.1 section 6.2.3). On air it travels as an {@link EncryptedJoinAccept}.
 */
public record JoinAccept(JoinNonce joinNonce, NetId homeNetId, DevAddr devAddr, DlSettings dlSettings,
                         int rxDelay, Optional<CfList> cfList, Mic mic) implements Frame {
    public static final int SIZE = 17;
    public static final int SIZE_WITH_CFLIST = SIZE + CfList.SIZE;

    public JoinAccept {
        if (rxDelay < 0 || rxDelay > 15) {
            throw new IllegalArgumentException("RxDelay must be 0-15, got " + rxDelay);
        }
    }

    @Override
    public MType mType() {
        return MType.JOIN_ACCEPT;
    }

    /** MHDR | JoinNonce | NetID | DevAddr | DLSettings | RxDelay | CFList: what the MIC covers after its prefix. */
    public byte[] micInput() {
        byte[] frame = encode();
        return Arrays.copyOf(frame, frame.length - Mic.SIZE);
    }

    public JoinAccept withMic(Mic newMic) {
        return new JoinAccept(joinNonce, homeNetId, devAddr, dlSettings, rxDelay, cfList, newMic);
    }

    /** The plaintext frame, MIC included; encryption is done by the join server's crypto. */
    @Override
    public byte[] encode() {
        byte[] out = new byte[cfList.isPresent() ? SIZE_WITH_CFLIST : SIZE];
        out[0] = MType.JOIN_ACCEPT.mhdr();
        joinNonce.toWire(out, 1);
        homeNetId.toWire(out, 4);
        devAddr.toWire(out, 7);
        out[11] = (byte) dlSettings.encode();
        out[12] = (byte) rxDelay;
        cfList.ifPresent(list -> System.arraycopy(list.encode(), 0, out, 13, CfList.SIZE));
        mic.write(out, out.length - Mic.SIZE);
        return out;
    }
}
