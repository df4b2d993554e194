package net.lorawanns.core.crypto;

import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevNonce;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.JoinNonce;
import net.lorawanns.core.types.NetId;

/**
 * Session keys of a device. LoRaWAN 1.0 (and 1.1 devices joining with OptNeg unset) have one network key,
 * NwkSKey, which then serves as FNwkSIntKey, SNwkSIntKey and NwkSEncKey alike (LoRaWAN 1.1 section 6.2.3).
 */
public record SessionKeys(AesKey fNwkSIntKey, AesKey sNwkSIntKey, AesKey nwkSEncKey, AesKey appSKey) {

    /** A LoRaWAN 1.0 session: NwkSKey in all three network-key roles. */
    public static SessionKeys lorawan10(AesKey nwkSKey, AesKey appSKey) {
        return new SessionKeys(nwkSKey, nwkSKey, nwkSKey, appSKey);
    }

    /** The LoRaWAN 1.0 NwkSKey (equal to every network key of a 1.0 session). */
    public AesKey nwkSKey() {
        return fNwkSIntKey;
    }

    /**
     * LoRaWAN 1.0.x (1.0.4 section 6.2.5): NwkSKey = aes128_encrypt(NwkKey, 0x01 | JoinNonce | NetID | DevNonce | pad16),
     * AppSKey the same with 0x02.
     */
    public static SessionKeys derive10(AesKey nwkKey, JoinNonce joinNonce, NetId netId, DevNonce devNonce) {
        byte[] block = new byte[Aes128.BLOCK];
        joinNonce.toWire(block, 1);
        netId.toWire(block, 4);
        devNonce.toWire(block, 7);
        return lorawan10(derive(nwkKey, 0x01, block), derive(nwkKey, 0x02, block));
    }

    /**
     * LoRaWAN 1.1 with OptNeg set (section 6.2.3): key = aes128_encrypt(root, prefix | JoinNonce | JoinEUI | DevNonce | pad16)
     * with prefixes FNwkSIntKey 0x01, AppSKey 0x02 (under AppKey), SNwkSIntKey 0x03, NwkSEncKey 0x04.
     */
    public static SessionKeys derive11(AesKey nwkKey, AesKey appKey, JoinNonce joinNonce, Eui64 joinEui,
                                       DevNonce devNonce) {
        byte[] block = new byte[Aes128.BLOCK];
        joinNonce.toWire(block, 1);
        joinEui.toWire(block, 4);
        devNonce.toWire(block, 12);
        return new SessionKeys(derive(nwkKey, 0x01, block), derive(nwkKey, 0x03, block),
                derive(nwkKey, 0x04, block), derive(appKey, 0x02, block));
    }

    /** JSIntKey = aes128_encrypt(NwkKey, 0x06 | DevEUI | pad16) (LoRaWAN 1.1 section 6.1.1.3). */
    public static AesKey jsIntKey(AesKey nwkKey, Eui64 devEui) {
        return deriveJsKey(nwkKey, 0x06, devEui);
    }

    /** JSEncKey = aes128_encrypt(NwkKey, 0x05 | DevEUI | pad16) (LoRaWAN 1.1 section 6.1.1.4). */
    public static AesKey jsEncKey(AesKey nwkKey, Eui64 devEui) {
        return deriveJsKey(nwkKey, 0x05, devEui);
    }

    private static AesKey deriveJsKey(AesKey nwkKey, int prefix, Eui64 devEui) {
        byte[] block = new byte[Aes128.BLOCK];
        devEui.toWire(block, 1);
        return derive(nwkKey, prefix, block);
    }

    private static AesKey derive(AesKey root, int prefix, byte[] block) {
        byte[] input = block.clone();
        input[0] = (byte) prefix;
        return AesKey.of(Aes128.encryptBlock(root, input));
    }

    @Override
    public String toString() {
        return "SessionKeys[****]";
    }
}
