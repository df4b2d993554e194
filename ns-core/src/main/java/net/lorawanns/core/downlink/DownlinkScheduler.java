package net.lorawanns.core.downlink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import net.lorawanns.core.gateway.DownlinkFrame;
import net.lorawanns.core.gateway.GatewayBackend;
import net.lorawanns.core.gateway.RxInfo;
import net.lorawanns.core.gateway.TxResult;
import net.lorawanns.core.gateway.TxStatus;
import net.lorawanns.core.gateway.TxTiming;
import net.lorawanns.core.region.DataRate;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.uplink.Copy;
import net.lorawanns.core.uplink.DeduplicatedUplink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a Class A answer through the best gateway this instance can reach (highest SNR, then RSSI): in RX1, and
 * in RX2 when RX1 is refused by the gateway (TX_ACK error) or already too close to go out. Timing is in the
 * gateway's microsecond counter, {@code tmst}, which wraps at 2^32 (ARCHITECTURE.md, "Timing").
 */
public final class DownlinkScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(DownlinkScheduler.class);
    /** A downlink must reach the forwarder some tens of ms before its time; leave this much at least. */
    static final Duration MIN_LEAD = Duration.ofMillis(100);
    private static final long TMST_MODULO = 1L << 32;

    /** Which windows to use: both (RX1, then RX2), RX1 only, or RX2 only (config {@code network.rx_window}). */
    public enum WindowPolicy { RX1_THEN_RX2, RX1_ONLY, RX2_ONLY }

    private final GatewayBackend gateways;
    private final WindowPolicy policy;
    private final String instanceId;
    private final Counter rx1;
    private final Counter rx2;
    private final Counter failed;

    public DownlinkScheduler(GatewayBackend gateways, WindowPolicy policy, String instanceId, MeterRegistry registry) {
        this.gateways = gateways;
        this.policy = policy;
        this.instanceId = instanceId;
        String name = "lorawan.downlink.class_a";
        String help = "Class A downlinks by the window that took them";
        this.rx1 = Counter.builder(name).description(help).tag("window", "rx1").register(registry);
        this.rx2 = Counter.builder(name).description(help).tag("window", "rx2").register(registry);
        this.failed = Counter.builder(name).description(help).tag("window", "none").register(registry);
    }

    /** Sends {@code phyPayload} in the receive windows that follow {@code uplink}, by the region's tables. */
    public Future<DownlinkOutcome> send(DeduplicatedUplink uplink, Region region, byte[] phyPayload,
                                        ReceiveWindows windows) {
        Optional<Copy> best = uplink.copies().stream().filter(c -> c.instanceId().equals(instanceId))
                .sorted(DeduplicatedUplink.BEST_FIRST).findFirst();
        if (best.isEmpty()) {
            failed.increment();
            return Future.succeededFuture(new DownlinkOutcome("none", Optional.empty(),
                    new TxResult(TxStatus.GATEWAY_UNAVAILABLE, "no gateway of this instance heard the uplink")));
        }
        RxInfo rx = best.get().rxInfo();
        Future<TxResult> first = policy == WindowPolicy.RX2_ONLY || !windows.rx1()
                ? Future.succeededFuture(new TxResult(TxStatus.REJECTED, policy == WindowPolicy.RX2_ONLY
                        ? "RX1 not used (rx_window = 2)" : "the frame does not fit RX1's data rate"))
                : transmit(region, rx, phyPayload, windows.rx1DelayMicros(), windows.rx1Frequency(),
                        windows.rx1DataRate());
        return first.compose(result -> {
            if (result.status().sent()) {
                rx1.increment();
                return Future.succeededFuture(new DownlinkOutcome("rx1", Optional.of(rx.gatewayEui()), result));
            }
            if (policy == WindowPolicy.RX1_ONLY || !windows.rx2()) {
                return Future.succeededFuture(notSent(rx, result));
            }
            LOG.debug("RX1 via {} not taken ({} {}), trying RX2", rx.gatewayEui(), result.status(), result.detail());
            return transmit(region, rx, phyPayload, windows.rx2DelayMicros(), windows.rx2Frequency(),
                    windows.rx2DataRate())
                    .map(second -> {
                        if (!second.status().sent()) {
                            return notSent(rx, second);
                        }
                        rx2.increment();
                        return new DownlinkOutcome("rx2", Optional.of(rx.gatewayEui()), second);
                    });
        });
    }

    private DownlinkOutcome notSent(RxInfo rx, TxResult result) {
        failed.increment();
        return new DownlinkOutcome("none", Optional.of(rx.gatewayEui()), result);
    }

    private Future<TxResult> transmit(Region region, RxInfo rx, byte[] phyPayload, long delayMicros, long frequency,
                                      int dataRate) {
        Instant due = rx.receivedAt().plusNanos(delayMicros * 1000);
        if (Instant.now().plus(MIN_LEAD).isAfter(due)) {
            return Future.succeededFuture(new TxResult(TxStatus.TOO_LATE, "the window opens in less than "
                    + MIN_LEAD.toMillis() + " ms"));
        }
        DataRate modulation = region.dataRate(dataRate);
        DownlinkFrame frame = new DownlinkFrame(rx.gatewayEui(), phyPayload,
                new TxTiming.AtCounter((rx.tmst() + delayMicros) % TMST_MODULO), frequency, region.downlinkPowerDbm(),
                modulation, modulation instanceof DataRate.LoRa ? "4/5" : null, true, 0, null, true,
                modulation instanceof DataRate.Fsk fsk ? fsk.bitrate() / 2 : null);
        return gateways.send(frame);
    }
}
