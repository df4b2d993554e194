package net.lorawanns.core.frame;

import java.util.Arrays;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.Mic;
import net.lorawanns.core.types.NetId;

/** Rejoin-request, LoRaWAN 1.1 only (section 6.2.4). */
public sealed interface RejoinRequest extends Frame {

    /** 0, 1 or 2. */
    int rejoinType();

    Eui64 devEui();

    Mic mic();

    /** The bytes the MIC covers: everything before it. */
    default byte[] micInput() {
        byte[] frame = encode();
        return Arrays.copyOf(frame, frame.length - Mic.SIZE);
    }

    @Override
    default MType mType() {
        return MType.REJOIN_REQUEST;
    }

    /** Types 0 and 2: MHDR | type | NetID | DevEUI | RJcount0 | MIC; the MIC uses SNwkSIntKey. */
    record NetIdType(int rejoinType, NetId netId, Eui64 devEui, int rjCount0, Mic mic) implements RejoinRequest {
        public static final int SIZE = 19;

        public NetIdType {
            if (rejoinType != 0 && rejoinType != 2) {
                throw new IllegalArgumentException("a NetID rejoin-request is type 0 or 2, got " + rejoinType);
            }
            if (rjCount0 < 0 || rjCount0 > 0xFFFF) {
                throw new IllegalArgumentException("RJcount0 must fit in 16 bits, got " + rjCount0);
            }
        }

        @Override
        public byte[] encode() {
            byte[] out = new byte[SIZE];
            out[0] = MType.REJOIN_REQUEST.mhdr();
            out[1] = (byte) rejoinType;
            netId.toWire(out, 2);
            devEui.toWire(out, 5);
            out[13] = (byte) rjCount0;
            out[14] = (byte) (rjCount0 >>> 8);
            mic.write(out, 15);
            return out;
        }
    }

    /** Type 1: MHDR | 1 | JoinEUI | DevEUI | RJcount1 | MIC; the MIC uses JSIntKey. */
    record JoinEuiType(Eui64 joinEui, Eui64 devEui, int rjCount1, Mic mic) implements RejoinRequest {
        public static final int SIZE = 24;

        public JoinEuiType {
            if (rjCount1 < 0 || rjCount1 > 0xFFFF) {
                throw new IllegalArgumentException("RJcount1 must fit in 16 bits, got " + rjCount1);
            }
        }

        @Override
        public int rejoinType() {
            return 1;
        }

        @Override
        public byte[] encode() {
            byte[] out = new byte[SIZE];
            out[0] = MType.REJOIN_REQUEST.mhdr();
            out[1] = 1;
            joinEui.toWire(out, 2);
            devEui.toWire(out, 10);
            out[18] = (byte) rjCount1;
            out[19] = (byte) (rjCount1 >>> 8);
            mic.write(out, 20);
            return out;
        }
    }
}
