package net.lorawanns.core.frame;

/** A join-accept as sent: MHDR followed by 16 or 32 encrypted bytes (MIC included). */
public record EncryptedJoinAccept(byte[] ciphertext) implements Frame {
    public EncryptedJoinAccept {
        if (ciphertext.length != 16 && ciphertext.length != 32) {
            throw new IllegalArgumentException("an encrypted join-accept has 16 or 32 bytes after MHDR, got "
                    + ciphertext.length);
        }
        ciphertext = ciphertext.clone();
    }

    @Override
    public byte[] ciphertext() {
        return ciphertext.clone();
    }

    @Override
    public MType mType() {
        return MType.JOIN_ACCEPT;
    }

    @Override
    public byte[] encode() {
        byte[] out = new byte[1 + ciphertext.length];
        out[0] = MType.JOIN_ACCEPT.mhdr();
        System.arraycopy(ciphertext, 0, out, 1, ciphertext.length);
        return out;
    }
}
