package net.lorawanns.core.downlink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import net.lorawanns.core.gateway.BackhaulLatency;
import net.lorawanns.core.gateway.DownlinkFrame;
import net.lorawanns.core.gateway.GatewayBackend;
import net.lorawanns.core.gateway.RxInfo;
import net.lorawanns.core.gateway.TxResult;
import net.lorawanns.core.gateway.TxStatus;
import net.lorawanns.core.gateway.TxTiming;
import net.lorawanns.core.region.DataRate;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.region.TimeOnAir;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.GpsTime;
import net.lorawanns.core.uplink.Copy;
import net.lorawanns.core.uplink.DeduplicatedUplink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends downlinks through this instance's gateways, in time and within each gateway's duty cycle.
 *
 * <p>Class A ({@link #send}): through the best gateway of this instance that heard the uplink and still has a
 * downlink path (highest SNR, then RSSI), in the receive windows in the order of {@link WindowOrder}. A window is
 * tried only if the frame can still reach the gateway in time: the window opens, in this server's clock, at the
 * uplink's arrival less its one-way uplink delay plus the receive delay; the frame needs the one-way downlink delay
 * plus the forwarder's margin to be in the gateway's queue. The two one-way delays together are the backhaul round
 * trip the gateway adapter measures ({@link GatewayBackend#latency}). Timing is in the gateway's microsecond
 * counter, {@code tmst}, which wraps at 2^32 (ARCHITECTURE.md, "Timing").
 *
 * <p>Class C ({@link #sendImmediately}) and Class B ({@link #sendAt}) go through a gateway the caller chose.
 *
 * <p>Every transmission is first admitted by {@link GatewayDutyCycle}, and given back if the gateway refuses it.
 * Any thread: the work is chained on futures of the gateway adapter and Redis.
 */
public final class DownlinkScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(DownlinkScheduler.class);
    /**
     * Semtech's packet forwarder refuses (TOO_LATE) a frame due less than about 40 ms after it arrives: its just-in-
     * time queue needs TX_JIT_DELAY (30-40 ms) plus TX_START_DELAY and TX_MARGIN_DELAY (2.5 ms); 10 ms more for this
     * server's own sending.
     */
    static final Duration FORWARDER_MARGIN = Duration.ofMillis(50);
    private static final long TMST_MODULO = 1L << 32;
    static final String CLASS_C = "class_c";
    static final String PING_SLOT = "ping_slot";

    private final GatewayBackend gateways;
    private final GatewayDutyCycle dutyCycle;
    private final WindowOrder windowOrder;
    private final String instanceId;
    private final Map<Window, Counter> classA = new EnumMap<>(Window.class);
    private final Counter classANone;
    private final Map<String, Counter> refused;

    public DownlinkScheduler(GatewayBackend gateways, GatewayDutyCycle dutyCycle, WindowOrder windowOrder,
                             String instanceId, MeterRegistry registry) {
        this.gateways = gateways;
        this.dutyCycle = dutyCycle;
        this.windowOrder = windowOrder;
        this.instanceId = instanceId;
        String name = "lorawan.downlink.class_a";
        String help = "Class A downlinks by the window that took them";
        for (Window window : Window.values()) {
            classA.put(window, Counter.builder(name).description(help).tag("window", window.tag()).register(registry));
        }
        this.classANone = Counter.builder(name).description(help).tag("window", DownlinkOutcome.NONE)
                .register(registry);
        this.refused = Map.of(
                "too_late", refusedCounter(registry, "too_late"),
                "duty_cycle", refusedCounter(registry, "duty_cycle"),
                "gateway_unavailable", refusedCounter(registry, "gateway_unavailable"));
    }

    private static Counter refusedCounter(MeterRegistry registry, String reason) {
        return Counter.builder("lorawan.downlink.refused")
                .description("Transmissions this server did not hand to a gateway (a window, a Class B or C frame), "
                        + "by reason").tag("reason", reason).register(registry);
    }

    /** Sends {@code phyPayload} in the receive windows that follow {@code uplink}, by the region's tables. */
    public Future<DownlinkOutcome> send(DeduplicatedUplink uplink, Region region, byte[] phyPayload,
                                        ReceiveWindows windows) {
        Optional<Copy> best = uplink.copies().stream().filter(c -> c.instanceId().equals(instanceId))
                .filter(c -> gateways.reachable(c.rxInfo().gatewayEui()))
                .sorted(DeduplicatedUplink.BEST_FIRST).findFirst();
        if (best.isEmpty()) {
            classANone.increment();
            refused.get("gateway_unavailable").increment();
            return Future.succeededFuture(new DownlinkOutcome(DownlinkOutcome.NONE, Optional.empty(),
                    new TxResult(TxStatus.GATEWAY_UNAVAILABLE, "no gateway of this instance that heard the uplink "
                            + "has a downlink path")));
        }
        RxInfo rx = best.get().rxInfo();
        List<Window> order = windowOrder.order(windows);
        if (order.isEmpty()) {
            classANone.increment();
            return Future.succeededFuture(new DownlinkOutcome(DownlinkOutcome.NONE, Optional.of(rx.gatewayEui()),
                    new TxResult(TxStatus.REJECTED, "network.rx_window = " + windowOrder.rule().name()
                            .toLowerCase(Locale.ROOT) + " leaves no window this frame may use")));
        }
        return tryWindows(region, rx, phyPayload, windows, order, 0);
    }

    private Future<DownlinkOutcome> tryWindows(Region region, RxInfo rx, byte[] phyPayload, ReceiveWindows windows,
                                               List<Window> order, int index) {
        Window window = order.get(index);
        boolean rx1 = window == Window.RX1;
        long delayMicros = rx1 ? windows.rx1DelayMicros() : windows.rx2DelayMicros();
        long frequency = rx1 ? windows.rx1Frequency() : windows.rx2Frequency();
        int dataRate = rx1 ? windows.rx1DataRate() : windows.rx2DataRate();
        // The window in this server's clock is receivedAt - (uplink one-way) + delay; the frame needs the downlink
        // one-way delay plus the margin: the round trip plus the margin before receivedAt + delay.
        Instant latest = rx.receivedAt().plusNanos(delayMicros * 1000);
        Duration lead = gateways.latency(rx.gatewayEui()).roundTrip().plus(FORWARDER_MARGIN);
        DataRate modulation = region.dataRate(dataRate);
        DownlinkFrame frame = frame(rx.gatewayEui(), phyPayload,
                new TxTiming.AtCounter((rx.tmst() + delayMicros) % TMST_MODULO), frequency, region, modulation);
        return transmit(frame, region, modulation, latest, lead).compose(result -> {
            if (result.status().sent()) {
                classA.get(window).increment();
                return Future.succeededFuture(new DownlinkOutcome(window.tag(), Optional.of(rx.gatewayEui()), result));
            }
            if (index + 1 < order.size()) {
                LOG.debug("{} via {} not taken ({} {}), trying {}", window, rx.gatewayEui(), result.status(),
                        result.detail(), order.get(index + 1));
                return tryWindows(region, rx, phyPayload, windows, order, index + 1);
            }
            classANone.increment();
            return Future.succeededFuture(new DownlinkOutcome(DownlinkOutcome.NONE, Optional.of(rx.gatewayEui()),
                    result));
        });
    }

    /**
     * Class C: sends at once ({@code imme}) through {@code gateway} on {@code frequencyHz} and {@code dataRate}
     * (the device's RX2 parameters), when this instance reaches the gateway and its duty cycle allows.
     */
    public Future<DownlinkOutcome> sendImmediately(Eui64 gateway, Region region, byte[] phy, long frequencyHz,
                                                   int dataRate) {
        DataRate modulation = region.dataRate(dataRate);
        DownlinkFrame frame = frame(gateway, phy, new TxTiming.Immediately(), frequencyHz, region, modulation);
        return reachableThen(gateway, () -> transmit(frame, region, modulation, null, Duration.ZERO))
                .map(result -> outcome(CLASS_C, gateway, result));
    }

    /**
     * Class B: sends in the ping slot that starts at {@code gpsMillis} (milliseconds since the GPS epoch) through
     * {@code gateway}, a GPS-synchronised one ({@code tmms}); refused (TOO_LATE) when the slot is nearer than the
     * gateway's one-way downlink delay plus the forwarder's margin.
     */
    public Future<DownlinkOutcome> sendAt(Eui64 gateway, Region region, byte[] phy, long gpsMillis, long frequencyHz,
                                          int dataRate) {
        DataRate modulation = region.dataRate(dataRate);
        DownlinkFrame frame = frame(gateway, phy, new TxTiming.AtGpsTime(gpsMillis), frequencyHz, region, modulation);
        Instant slot = GpsTime.utc(gpsMillis);
        BackhaulLatency latency = gateways.latency(gateway);
        return reachableThen(gateway, () -> transmit(frame, region, modulation, slot,
                latency.downlinkOneWay().plus(FORWARDER_MARGIN)))
                .map(result -> outcome(PING_SLOT, gateway, result));
    }

    private Future<TxResult> reachableThen(Eui64 gateway, Supplier<Future<TxResult>> send) {
        if (!gateways.reachable(gateway)) {
            refused.get("gateway_unavailable").increment();
            return Future.succeededFuture(new TxResult(TxStatus.GATEWAY_UNAVAILABLE,
                    "this instance has no downlink path to gateway " + gateway));
        }
        return send.get();
    }

    private DownlinkOutcome outcome(String window, Eui64 gateway, TxResult result) {
        return new DownlinkOutcome(result.status().sent() ? window : DownlinkOutcome.NONE, Optional.of(gateway),
                result);
    }

    /**
     * Hands {@code frame} to its gateway if it can still be there {@code lead} before {@code latest} (null: no time
     * limit) and the gateway's duty cycle admits it; gives the time on air back when the gateway refuses it.
     */
    private Future<TxResult> transmit(DownlinkFrame frame, Region region, DataRate modulation, Instant latest,
                                      Duration lead) {
        Optional<TxResult> late = tooLate(latest, lead);
        if (late.isPresent()) {
            return Future.succeededFuture(late.get());
        }
        long airtime = TimeOnAir.downlinkMicros(modulation, frame.phyPayload().length);
        return dutyCycle.admit(frame.gatewayEui(), region, frame.frequencyHz(), airtime, System.currentTimeMillis())
                .compose(admission -> {
                    if (!admission.admitted()) {
                        refused.get("duty_cycle").increment();
                        return Future.succeededFuture(new TxResult(TxStatus.DUTY_CYCLE, String.format(Locale.ROOT,
                                "%d us on air at %d Hz would take gateway %s past %d us in the last hour (%d used)",
                                airtime, frame.frequencyHz(), frame.gatewayEui(), admission.limitMicros(),
                                admission.usedMicros())));
                    }
                    // Redis took its time: the window may have come too close meanwhile.
                    Optional<TxResult> lateNow = tooLate(latest, lead);
                    Future<TxResult> sent = lateNow.isPresent() ? Future.succeededFuture(lateNow.get())
                            : gateways.send(frame);
                    return sent.compose(result -> {
                        // NO_ACK may have gone out: it stays counted.
                        if (result.status().sent() || result.status() == TxStatus.NO_ACK
                                || admission.reservation().isEmpty()) {
                            return Future.succeededFuture(result);
                        }
                        return dutyCycle.release(admission.reservation().get()).map(result)
                                .recover(e -> Future.succeededFuture(result));
                    });
                }, failure -> Future.succeededFuture(new TxResult(TxStatus.DUTY_CYCLE,
                        "the duty cycle could not be checked: " + failure.getMessage())));
    }

    private Optional<TxResult> tooLate(Instant latest, Duration lead) {
        if (latest == null) {
            return Optional.empty();
        }
        Duration left = Duration.between(Instant.now(), latest);
        if (left.compareTo(lead) >= 0) {
            return Optional.empty();
        }
        refused.get("too_late").increment();
        return Optional.of(new TxResult(TxStatus.TOO_LATE, "the window opens in " + left.toMillis()
                + " ms, the gateway needs " + lead.toMillis() + " ms (backhaul round trip and forwarder margin)"));
    }

    private static DownlinkFrame frame(Eui64 gateway, byte[] phy, TxTiming timing, long frequency, Region region,
                                       DataRate modulation) {
        return new DownlinkFrame(gateway, phy, timing, frequency, region.downlinkPowerDbm(), modulation,
                modulation instanceof DataRate.LoRa ? "4/5" : null, true, 0, null, true,
                modulation instanceof DataRate.Fsk fsk ? fsk.bitrate() / 2 : null);
    }
}
