package net.lorawanns.core.frame;

import java.util.Arrays;
import net.lorawanns.core.types.DevNonce;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.Mic;

/** Join-request: MHDR | JoinEUI | DevEUI | DevNonce | MIC (LoRaWAN 1.1 section 6.2.2). */
public record JoinRequest(Eui64 joinEui, Eui64 devEui, DevNonce devNonce, Mic mic) implements Frame {
    public static final int SIZE = 23;

    @Override
    public MType mType() {
        return MType.JOIN_REQUEST;
    }

    /** The bytes the MIC covers: MHDR | JoinEUI | DevEUI | DevNonce. */
    public byte[] micInput() {
        return Arrays.copyOf(encode(), SIZE - Mic.SIZE);
    }

    @Override
    public byte[] encode() {
        byte[] out = new byte[SIZE];
        out[0] = MType.JOIN_REQUEST.mhdr();
        joinEui.toWire(out, 1);
        devEui.toWire(out, 9);
        devNonce.toWire(out, 17);
        mic.write(out, 19);
        return out;
    }

    public JoinRequest withMic(Mic newMic) {
        return new JoinRequest(joinEui, devEui, devNonce, newMic);
    }
}
