package net.lorawanns.core.queue;

import net.lorawanns.core.crypto.DataCrypto;
import net.lorawanns.core.device.DeviceSession;
import net.lorawanns.core.frame.Direction;

/** The FRMPayload of a queued item as it goes on air. */
public final class QueuedPayload {
    private QueuedPayload() {
    }

    /**
     * The payload encrypted with the session's AppSKey under the frame's counter (LoRaWAN 1.0.4 section 4.3.3), or
     * as the application encrypted it, untouched.
     */
    public static byte[] frmPayload(QueuedDownlink item, DeviceSession session, long fCnt) {
        if (item.encryption().isPresent()) {
            return item.payload();
        }
        return DataCrypto.encryptFrmPayload(session.appSKey().orElseThrow(() -> new IllegalStateException(
                "a clear payload for a session without an AppSKey: QueueHead drops those")), Direction.DOWNLINK,
                session.devAddr(), fCnt, item.payload());
    }
}
