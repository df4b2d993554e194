package net.lorawanns.core.frame;

import java.util.Arrays;
import java.util.OptionalInt;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Mic;

/**
 * A data frame: MHDR | FHDR (DevAddr | FCtrl | FCnt | FOpts) | [FPort | FRMPayload] | MIC
 * (LoRaWAN 1.1 section 4.3). {@code fCnt} is the 16 low bits sent on air; FOpts and FRMPayload are held as
 * sent (encrypted where the spec encrypts them).
 */
public record DataFrame(MType mType, DevAddr devAddr, FCtrl fCtrl, int fCnt, byte[] fOpts, OptionalInt fPort,
                        byte[] frmPayload, Mic mic) implements Frame {
    public static final int MIN_SIZE = 12;
    public static final int MAX_FOPTS = 15;

    public DataFrame {
        if (!mType.isData()) {
            throw new IllegalArgumentException(mType + " is not a data message type");
        }
        if (fCnt < 0 || fCnt > 0xFFFF) {
            throw new IllegalArgumentException("FCnt on air is 16 bits, got " + fCnt);
        }
        if (fOpts.length > MAX_FOPTS) {
            throw new IllegalArgumentException("FOpts holds at most 15 bytes, got " + fOpts.length);
        }
        if (fPort.isPresent() && (fPort.getAsInt() < 0 || fPort.getAsInt() > 255)) {
            throw new IllegalArgumentException("FPort must be 0-255, got " + fPort.getAsInt());
        }
        if (fPort.isEmpty() && frmPayload.length > 0) {
            throw new IllegalArgumentException("a FRMPayload needs an FPort");
        }
        // LoRaWAN 1.1 section 4.3.1.6: MAC commands go in FOpts or in FRMPayload on port 0, never both.
        if (fPort.isPresent() && fPort.getAsInt() == 0 && fOpts.length > 0) {
            throw new IllegalArgumentException("FPort 0 with FOpts present");
        }
        fOpts = copy(fOpts);
        frmPayload = copy(frmPayload);
    }

    private static final byte[] NO_BYTES = new byte[0];

    /** A copy, but one shared empty array for all empty ones (no FOpts, no FRMPayload): nothing to change in it. */
    private static byte[] copy(byte[] bytes) {
        return bytes.length == 0 ? NO_BYTES : bytes.clone();
    }

    public Direction direction() {
        return mType.isUplink() ? Direction.UPLINK : Direction.DOWNLINK;
    }

    @Override
    public byte[] fOpts() {
        return copy(fOpts);
    }

    @Override
    public byte[] frmPayload() {
        return copy(frmPayload);
    }

    public DataFrame withMic(Mic newMic) {
        return new DataFrame(mType, devAddr, fCtrl, fCnt, fOpts, fPort, frmPayload, newMic);
    }

    /** The bytes the MIC covers: MHDR | FHDR | FPort | FRMPayload. */
    public byte[] micInput() {
        byte[] frame = encode();
        return Arrays.copyOf(frame, frame.length - Mic.SIZE);
    }

    @Override
    public byte[] encode() {
        int size = MIN_SIZE + fOpts.length + (fPort.isPresent() ? 1 + frmPayload.length : 0);
        byte[] out = new byte[size];
        out[0] = mType.mhdr();
        devAddr.toWire(out, 1);
        out[5] = (byte) fCtrl.encode(direction(), fOpts.length);
        out[6] = (byte) fCnt;
        out[7] = (byte) (fCnt >>> 8);
        System.arraycopy(fOpts, 0, out, 8, fOpts.length);
        int at = 8 + fOpts.length;
        if (fPort.isPresent()) {
            out[at++] = (byte) fPort.getAsInt();
            System.arraycopy(frmPayload, 0, out, at, frmPayload.length);
        }
        mic.write(out, size - Mic.SIZE);
        return out;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DataFrame that && Arrays.equals(encode(), that.encode());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encode());
    }

    @Override
    public String toString() {
        return "DataFrame[" + mType + " DevAddr=" + devAddr + " FCnt=" + fCnt + " " + fCtrl + " FOptsLen="
                + fOpts.length + " FPort=" + (fPort.isPresent() ? fPort.getAsInt() : "-") + " FRMPayloadLen="
                + frmPayload.length + " MIC=" + mic + "]";
    }
}
