package net.lorawanns.core.crypto;

import java.util.Arrays;
import net.lorawanns.core.frame.EncryptedJoinAccept;
import net.lorawanns.core.frame.FrameCodec;
import net.lorawanns.core.frame.JoinAccept;
import net.lorawanns.core.frame.JoinRequest;
import net.lorawanns.core.frame.MType;
import net.lorawanns.core.frame.MalformedFrameException;
import net.lorawanns.core.frame.RejoinRequest;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevNonce;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.Mic;

/** MICs and encryption of the join procedure (LoRaWAN 1.0.4 section 6.2, LoRaWAN 1.1 section 6.2). */
public final class JoinCrypto {
    private JoinCrypto() {
    }

    /** cmac(NwkKey, MHDR | JoinEUI | DevEUI | DevNonce) (AppKey in LoRaWAN 1.0). */
    public static Mic joinRequestMic(AesKey nwkKey, JoinRequest request) {
        return Mic.of(Aes128.cmac(nwkKey, request.micInput()), 0);
    }

    /** Rejoin types 0 and 2 use SNwkSIntKey, type 1 uses JSIntKey (LoRaWAN 1.1 section 6.2.4). */
    public static Mic rejoinRequestMic(AesKey key, RejoinRequest request) {
        return Mic.of(Aes128.cmac(key, request.micInput()), 0);
    }

    /** LoRaWAN 1.0 and 1.1 with OptNeg unset: cmac(NwkKey, MHDR | JoinNonce | NetID | DevAddr | DLSettings | RxDelay | CFList). */
    public static Mic joinAcceptMic(AesKey nwkKey, JoinAccept accept) {
        return Mic.of(Aes128.cmac(nwkKey, accept.micInput()), 0);
    }

    /**
     * LoRaWAN 1.1 with OptNeg set: cmac(JSIntKey, JoinReqType | JoinEUI | DevNonce | MHDR | JoinNonce | NetID |
     * DevAddr | DLSettings | RxDelay | CFList); JoinReqType is 0xFF for a join-request, else the rejoin type.
     */
    public static Mic joinAcceptMic11(AesKey jsIntKey, int joinReqType, Eui64 joinEui, DevNonce devNonce,
                                      JoinAccept accept) {
        byte[] prefix = new byte[11];
        prefix[0] = (byte) joinReqType;
        joinEui.toWire(prefix, 1);
        devNonce.toWire(prefix, 9);
        return Mic.of(Aes128.cmac(jsIntKey, prefix, accept.micInput()), 0);
    }

    /**
     * Encrypts a join-accept (MIC in place) for the air. The network side uses AES decrypt so that the device
     * only needs AES encrypt (LoRaWAN 1.1 section 6.2.3). The key is NwkKey, or JSEncKey when answering a
     * rejoin-request.
     */
    public static EncryptedJoinAccept encrypt(AesKey key, JoinAccept accept) {
        byte[] plain = accept.encode();
        return new EncryptedJoinAccept(Aes128.process(key, Arrays.copyOfRange(plain, 1, plain.length), false));
    }

    /** What a device does on receipt: AES encrypt the ciphertext, then parse the clear join-accept. */
    public static JoinAccept decrypt(AesKey key, EncryptedJoinAccept accept) throws MalformedFrameException {
        byte[] clear = Aes128.process(key, accept.ciphertext(), true);
        byte[] frame = new byte[clear.length + 1];
        frame[0] = MType.JOIN_ACCEPT.mhdr();
        System.arraycopy(clear, 0, frame, 1, clear.length);
        return FrameCodec.decodeJoinAccept(frame);
    }
}
