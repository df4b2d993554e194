package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.mac.MacCommand;
import net.lorawanns.core.mac.MacState;

/**
 * After the answer: the requests that went out wait for their answers in the MAC state, which is stored when it
 * changed (in the session's hash, only while the session is the active one), with the span of receive windows its
 * RX settings ask for: every instance's counter step holds the device's downlink path that long after an uplink.
 * Runs on the pipeline's event loop.
 */
final class MacStateSave implements DataStep {
    private final SessionStore sessions;
    private final DownlinkPathHold pathHold;

    MacStateSave(SessionStore sessions, DownlinkPathHold pathHold) {
        this.sessions = sessions;
        this.pathHold = pathHold;
    }

    @Override
    public Future<Next> apply(DataUplink uplink) {
        if (uplink.mac == null || !uplink.isNew()) {
            return GO_ON;
        }
        List<MacCommand.Downlink> sent = uplink.sent.isEmpty() ? List.of()
                : uplink.sent.stream().filter(uplink.requests::contains).toList();
        if (sent.isEmpty() && uplink.storedMac.isPresent() && uplink.storedMac.get() == uplink.mac) {
            // The steps made no new state: nothing was answered, asked or learnt.
            return GO_ON;
        }
        boolean linkAdrSent = !sent.isEmpty() && sent.stream().anyMatch(MacCommand.LinkAdrReq.class::isInstance);
        boolean statusAsked = !sent.isEmpty() && sent.stream().anyMatch(MacCommand.DevStatusReq.class::isInstance);
        MacState state = uplink.mac.withAssigned(f -> {
            // An empty collection the state already has is kept: a state's collections are never changed in place.
            f.pending = sent.isEmpty() && f.pending.isEmpty() ? f.pending : new ArrayList<>(sent);
            f.pendingChannels = linkAdrSent ? new TreeSet<>(uplink.channelsAfterRequests)
                    : f.pendingChannels.isEmpty() ? f.pendingChannels : new TreeSet<>();
            if (statusAsked) {
                f.lastStatusRequest = Optional.of(Instant.now());
            }
        });
        // The longer RX1 delay of the session's and the state's, as RXTimingSetupReq left it (1.0.4 section 5.7).
        MacState.RxSettings rx = state.rx();
        Duration span = pathHold.span(uplink.region, Math.max(uplink.session().rxDelaySeconds(), rx.rx1Delay()),
                rx.rx2DataRate());
        return sessions.saveMacState(uplink.device.devEui(), uplink.session().id(), uplink.fCnt, state, span)
                .map(Next.CONTINUE);
    }
}
