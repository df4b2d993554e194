package net.lorawanns.core.crypto;

import java.security.SecureRandom;
import net.lorawanns.core.types.AesKey;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * BouncyCastle CMACs kept ready with their keys, for one thread: a device's MIC keys come back with each of its
 * frames, and giving a CMAC a key makes its key schedule, an S-box copy and subkeys anew (some 800 bytes of garbage
 * per MIC, issue 16). A key takes the slot its keyed hash names ({@link AesKey#slot}); a slot holds one key, and
 * another key for it replaces it. Keys are compared in constant time. The key schedules stay on the heap as long
 * as their keys do in the session cache; they never appear in a log or an answer.
 *
 * <p>Threads: confined to its thread ({@link Aes128} keeps one per thread).
 */
final class KeyedCmacs {
    /** About 1 KB each when all are used: 4 MB at most per thread that computes MICs. */
    static final int SLOTS = 4096;

    private final long salt = new SecureRandom().nextLong();
    private final AesKey[] keys = new AesKey[SLOTS];
    private final CMac[] macs = new CMac[SLOTS];
    /** Where a tag is written and read at once on this thread: a MIC needs only its first bytes. */
    final byte[] tag = new byte[Aes128.BLOCK];

    /**
     * A CMAC with {@code key}, ready for a message. A CMAC resets itself after each tag; a kept one is reset again
     * (which allocates nothing), so that a message left half fed by an exception cannot spoil the next tag.
     */
    CMac ready(AesKey key) {
        int slot = key.slot(salt, SLOTS);
        CMac mac = macs[slot];
        if (mac == null) {
            mac = new CMac(AESEngine.newInstance());
            macs[slot] = mac;
        } else if (key.equals(keys[slot])) {
            mac.reset();
            return mac;
        }
        mac.init(new KeyParameter(key.bytes()));
        keys[slot] = key;
        return mac;
    }
}
