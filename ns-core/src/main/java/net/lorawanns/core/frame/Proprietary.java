package net.lorawanns.core.frame;

/** MType 111: a proprietary frame whose content after MHDR the network does not interpret. */
public record Proprietary(byte[] payload) implements Frame {
    public Proprietary {
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public MType mType() {
        return MType.PROPRIETARY;
    }

    @Override
    public byte[] encode() {
        byte[] out = new byte[1 + payload.length];
        out[0] = MType.PROPRIETARY.mhdr();
        System.arraycopy(payload, 0, out, 1, payload.length);
        return out;
    }
}
