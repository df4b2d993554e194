package net.lorawanns.core.classb;

import net.lorawanns.core.crypto.Aes128;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.LittleEndian;

/**
 * The slot randomization of LoRaWAN 1.0.4 section 11.2 (1.0.2 to 1.1 section 13.2; the same in every version): in each
 * beacon period, Rand = aes128_encrypt(16 zero octets, BeaconTime | DevAddr | pad16), with the beacon's Time field
 * (GPS seconds, 4 octets) and the DevAddr little-endian as every multi-octet field; then pingOffset = (Rand[0] +
 * Rand[1] * 256) modulo pingPeriod. Pure: any thread.
 */
public final class PingOffset {
    private static final AesKey ZERO_KEY = AesKey.of(new byte[AesKey.SIZE]);

    private PingOffset() {
    }

    /**
     * @param beaconTimeSeconds the GPS second the beacon period starts at (a multiple of 128); sent modulo 2^32 as
     *                          the beacon's 4-octet Time field is
     * @return the first ping slot of the period, 0 to pingPeriod - 1
     */
    public static int of(long beaconTimeSeconds, DevAddr devAddr, PingSlotPeriodicity periodicity) {
        byte[] block = new byte[Aes128.BLOCK];
        LittleEndian.write(beaconTimeSeconds, block, 0, 4);
        devAddr.toWire(block, 4);
        byte[] rand = Aes128.encryptBlock(ZERO_KEY, block);
        return ((rand[0] & 0xFF) + (rand[1] & 0xFF) * 256) % periodicity.pingPeriod();
    }
}
