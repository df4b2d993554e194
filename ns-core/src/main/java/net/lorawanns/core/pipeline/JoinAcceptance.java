package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import java.util.Optional;
import java.util.UUID;
import net.lorawanns.core.backend.KeyEnvelope;
import net.lorawanns.core.device.DeviceSession;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.downlink.DownlinkOutcome;
import net.lorawanns.core.downlink.DownlinkScheduler;
import net.lorawanns.core.downlink.ReceiveWindows;
import net.lorawanns.core.join.JoinAnswer;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.uplink.DeduplicatedUplink;

/**
 * What a join-request and a rejoin-request have in common once the join server accepted it: the new session is
 * stored as pending (it becomes the device's on its first uplink), and the (re)join-accept goes out in the
 * join-accept windows. Runs on the pipeline's event loop.
 */
final class JoinAcceptance {
    /** LoRaWAN 1.0.4 section 6.2.6 and 1.1 section 6.2.7: JOIN_ACCEPT_DELAY1, 5 s; RX2 follows 1 s later. */
    private static final long JOIN_ACCEPT_DELAY1_MICROS = 5_000_000;

    /** The session made, and how its accept was sent. */
    record Accepted(DeviceSession session, DownlinkOutcome outcome) {
    }

    private final NetworkPlan plan;
    private final SessionStore sessions;
    private final DownlinkScheduler downlinks;

    JoinAcceptance(NetworkPlan plan, SessionStore sessions, DownlinkScheduler downlinks) {
        this.plan = plan;
        this.sessions = sessions;
        this.downlinks = downlinks;
    }

    /**
     * @param dr the data rate of the (re)join-request, which RX1 answers on
     * @param rx1DrOffset the RX1 data-rate offset, RX2 data rate and RX1 delay the accept tells the device
     */
    Future<Accepted> accept(DeduplicatedUplink uplink, Region region, Eui64 devEui, DevAddr devAddr, int dr,
                            JoinAnswer.Accepted accepted, int rx1DrOffset, int rx2DataRate, int rxDelaySeconds) {
        Optional<KeyEnvelope> appSKey = accepted.appSKey();
        DeviceSession session = new DeviceSession(UUID.randomUUID().toString(), devAddr, accepted.lorawan11(),
                accepted.fNwkSIntKey(), accepted.sNwkSIntKey(), accepted.nwkSEncKey(),
                appSKey.filter(key -> !key.wrapped()).map(key -> AesKey.of(key.aesKey())),
                appSKey.filter(KeyEnvelope::wrapped), rx1DrOffset, rx2DataRate, rxDelaySeconds,
                accepted.appSKeyReference());
        ReceiveWindows windows = new ReceiveWindows(JOIN_ACCEPT_DELAY1_MICROS,
                region.rx1Frequency(uplink.frequencyHz()),
                region.rx1DataRate(dr, 0, region.dwellTime().downlinkDefault()),
                region.rx2Frequency(), region.rx2DataRate());
        return sessions.setPending(devEui, session)
                .compose(stored -> downlinks.send(uplink, region, accepted.joinAcceptPhy(), windows))
                .map(outcome -> new Accepted(session, outcome));
    }
}
