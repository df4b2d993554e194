package net.lorawanns.core.downlink;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import net.lorawanns.core.crypto.DataCrypto;
import net.lorawanns.core.device.DeviceSession;
import net.lorawanns.core.frame.DataFrame;
import net.lorawanns.core.frame.Direction;
import net.lorawanns.core.frame.FCtrl;
import net.lorawanns.core.frame.MType;
import net.lorawanns.core.types.Mic;

/**
 * One data downlink as it goes on air (LoRaWAN 1.0.4 / 1.1 section 4): MAC commands in FOpts, or as the FRMPayload
 * of FPort 0, never both (section 4.3.1.6); or an application payload on FPort 1-223, already encrypted.
 *
 * @param fCnt the 32-bit FCntDown (1.1: NFCntDown without an application payload, AFCntDown with one)
 * @param acknowledged the FCnt of the confirmed uplink this frame acknowledges (ACK set), empty for none; LoRaWAN 1.1
 *                     puts it in the MIC as ConfFCnt (section 4.4)
 * @param macCommands the encoded MAC commands, in clear
 * @param macOnPort0 the MAC commands go as FPort 0's FRMPayload (no application payload then)
 * @param fPort the application payload's FPort, empty for none
 * @param applicationPayload the application payload, encrypted with the AppSKey
 */
public record DataDownlink(boolean confirmed, boolean adr, boolean fPending, long fCnt, OptionalLong acknowledged,
                           byte[] macCommands, boolean macOnPort0, OptionalInt fPort, byte[] applicationPayload) {
    public DataDownlink {
        Objects.requireNonNull(acknowledged, "acknowledged");
        Objects.requireNonNull(fPort, "fPort");
        macCommands = macCommands.clone();
        applicationPayload = applicationPayload.clone();
        if (macOnPort0 && fPort.isPresent()) {
            throw new IllegalArgumentException("MAC commands on FPort 0 leave no room for an application payload");
        }
        if (!macOnPort0 && macCommands.length > DataFrame.MAX_FOPTS) {
            throw new IllegalArgumentException("FOpts holds at most 15 bytes, got " + macCommands.length);
        }
    }

    /** The PHYPayload, encrypted and signed with the session's keys. */
    public byte[] encode(DeviceSession session) {
        byte[] fOpts = new byte[0];
        OptionalInt port = fPort;
        byte[] frmPayload = applicationPayload;
        if (macOnPort0) {
            port = OptionalInt.of(0);
            frmPayload = DataCrypto.encryptFrmPayload(session.nwkSEncKey(), Direction.DOWNLINK, session.devAddr(), fCnt,
                    macCommands);
        } else if (session.lorawan11() && macCommands.length > 0) {
            // FOpts are encrypted in 1.1 (section 4.3.1.6), with the counter the frame uses (1.1 errata).
            fOpts = DataCrypto.encryptFOpts11(session.nwkSEncKey(), Direction.DOWNLINK, fPort.isPresent(),
                    session.devAddr(), fCnt, macCommands);
        } else {
            fOpts = macCommands;
        }
        boolean ack = acknowledged.isPresent();
        DataFrame frame = new DataFrame(confirmed ? MType.CONFIRMED_DATA_DOWN : MType.UNCONFIRMED_DATA_DOWN,
                session.devAddr(), FCtrl.downlink(adr, ack, fPending), (int) (fCnt & 0xFFFF), fOpts, port, frmPayload,
                new Mic(0));
        byte[] micInput = frame.micInput();
        Mic mic = session.lorawan11()
                ? DataCrypto.micDownlink11(session.sNwkSIntKey(), ack ? (int) (acknowledged.getAsLong() & 0xFFFF) : 0,
                        session.devAddr(), fCnt, micInput)
                : DataCrypto.mic10(session.fNwkSIntKey(), Direction.DOWNLINK, session.devAddr(), fCnt, micInput);
        return frame.withMic(mic).encode();
    }
}
