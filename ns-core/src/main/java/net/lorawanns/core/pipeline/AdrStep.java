package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import java.util.Optional;
import java.util.OptionalDouble;
import net.lorawanns.core.adr.AdrAlgorithm;
import net.lorawanns.core.adr.AdrAlgorithms;
import net.lorawanns.core.adr.AdrDecision;
import net.lorawanns.core.adr.AdrInput;
import net.lorawanns.core.adr.AdrLimits;
import net.lorawanns.core.adr.UplinkHistory;
import net.lorawanns.core.gateway.RxInfo;
import net.lorawanns.core.logging.ThrottledLog;
import net.lorawanns.core.mac.MacTarget;
import net.lorawanns.core.region.DataRate;
import net.lorawanns.core.uplink.Copy;
import org.slf4j.LoggerFactory;

/**
 * Adaptive data rate (LoRaWAN 1.0.4 section 4.3.1.1), for a new frame with its ADR bit set from a device whose
 * profile has ADR on: the frame joins the session's uplink history (best SNR of its copies, gateways that heard it),
 * and the device profile's {@link AdrAlgorithm} decides the data rate, TX power and NbTrans from it within the
 * device's and region's limits; a change goes out in a LinkADRReq ({@link NetworkRequests}). Runs on the pipeline's
 * event loop.
 */
final class AdrStep implements DataStep {
    private static final ThrottledLog FAILURES = new ThrottledLog(LoggerFactory.getLogger(AdrStep.class), 10_000);

    private final MacTargets targets;
    private final AdrAlgorithms algorithms;

    AdrStep(MacTargets targets, AdrAlgorithms algorithms) {
        this.targets = targets;
        this.algorithms = algorithms;
    }

    @Override
    public Future<Next> apply(DataUplink uplink) {
        uplink.adrControlled = uplink.profile.adr().enabled();
        if (!uplink.isNew() || !uplink.adrControlled || !uplink.frame.fCtrl().adr() || uplink.dataRate.isEmpty()
                || !(uplink.copies.dataRate() instanceof DataRate.LoRa)) {
            return GO_ON;
        }
        Optional<MacTargets.Adr> adr = targets.adr(uplink);
        OptionalDouble snr = uplink.copies.copies().stream().map(Copy::rxInfo).filter(rx -> rx.snr() != null)
                .mapToDouble(RxInfo::snr).max();
        if (snr.isEmpty()) {
            return GO_ON;
        }
        long gateways = uplink.copies.copies().stream().map(c -> c.rxInfo().gatewayEui()).distinct().count();
        UplinkHistory history = history(uplink).add(uplink.fCnt, snr.getAsDouble(), (int) gateways);
        uplink.mac = uplink.mac.with(f -> f.adrHistory = history.encode());
        Optional<AdrAlgorithm> algorithm = algorithms.byId(adr.get().algorithm());
        if (algorithm.isEmpty()) {
            FAILURES.warn("unknown_algorithm", "ADR skipped: no algorithm with the device profile's id",
                    uplink.device.devEui() + ": '" + adr.get().algorithm() + "'");
            return GO_ON;
        }
        AdrLimits limits = adr.get().limits();
        int dataRate = uplink.dataRate.getAsInt();
        try {
            AdrDecision decision = algorithm.get().decide(new AdrInput(history, dataRate,
                    Math.min(uplink.mac.txPowerIndex(), limits.maxTxPowerIndex()), uplink.mac.nbTrans(), limits,
                    dr -> ((DataRate.LoRa) uplink.region.dataRate(dr)).requiredSnrDb(),
                    uplink.frame.fCtrl().adrAckReq()));
            if (decision instanceof AdrDecision.Change change) {
                uplink.linkAdr = Optional.of(new MacTarget.LinkAdr(change.dataRate(), change.txPowerIndex(),
                        Math.min(change.nbTrans(), adr.get().nbTransMax())));
            }
        } catch (RuntimeException e) {
            FAILURES.warn("algorithm_failed", "ADR algorithm failed, no change sent",
                    uplink.device.devEui() + ": " + e.getMessage());
        }
        return GO_ON;
    }

    private static UplinkHistory history(DataUplink uplink) {
        String stored = uplink.mac.adrHistory();
        if (stored.isEmpty()) {
            return UplinkHistory.empty();
        }
        try {
            return UplinkHistory.parse(stored);
        } catch (IllegalArgumentException e) {
            return UplinkHistory.empty();
        }
    }
}
