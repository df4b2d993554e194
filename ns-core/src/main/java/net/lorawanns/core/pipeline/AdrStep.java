package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
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
    private final AdrHistories histories = new AdrHistories();

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
        List<Copy> copies = uplink.copies.copies();
        double snr = Double.NEGATIVE_INFINITY;
        int gateways = 0;
        for (int i = 0; i < copies.size(); i++) {
            RxInfo rx = copies.get(i).rxInfo();
            if (rx.snr() != null) {
                snr = Math.max(snr, rx.snr());
            }
            if (!heardBefore(copies, i)) {
                gateways++;
            }
        }
        if (snr == Double.NEGATIVE_INFINITY) {
            return GO_ON;
        }
        UplinkHistory history = histories.of(uplink.device.devEui(), uplink.mac.adrHistory())
                .add(uplink.fCnt, snr, gateways);
        histories.keep(uplink.device.devEui(), history);
        uplink.mac = uplink.mac.withAssigned(f -> f.adrHistory = history.encode());
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

    /** Whether a copy before the i-th came from the same gateway (a v2 gateway sends one per antenna). */
    private static boolean heardBefore(List<Copy> copies, int i) {
        for (int j = 0; j < i; j++) {
            if (copies.get(j).rxInfo().gatewayEui().equals(copies.get(i).rxInfo().gatewayEui())) {
                return true;
            }
        }
        return false;
    }
}
