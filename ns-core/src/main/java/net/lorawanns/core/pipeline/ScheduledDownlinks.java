package net.lorawanns.core.pipeline;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import net.lorawanns.core.classb.ClassBSlots;
import net.lorawanns.core.classb.PingSlot;
import net.lorawanns.core.device.Device;
import net.lorawanns.core.device.DeviceStore;
import net.lorawanns.core.device.DownlinkTarget;
import net.lorawanns.core.device.EffectiveProfile;
import net.lorawanns.core.device.HeardBy;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.downlink.DataDownlink;
import net.lorawanns.core.downlink.DownlinkOutcome;
import net.lorawanns.core.downlink.DownlinkScheduler;
import net.lorawanns.core.events.EventSink;
import net.lorawanns.core.gateway.GatewayBackend;
import net.lorawanns.core.logging.ThrottledLog;
import net.lorawanns.core.mac.MacState;
import net.lorawanns.core.queue.DownlinkEvents;
import net.lorawanns.core.queue.DownlinkQueue;
import net.lorawanns.core.queue.PendingAck;
import net.lorawanns.core.queue.QueueHead;
import net.lorawanns.core.queue.QueuedDownlink;
import net.lorawanns.core.queue.QueuedPayload;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.region.TimeOnAir;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.GpsTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downlinks that do not wait for an uplink. Class C: a device that listens on its RX2 parameters whenever it does not
 * transmit (LoRaWAN 1.0.4 section 17) gets its queue at once ({@code imme}) through the gateway that best heard its
 * last uplink. Class B: a device in Class B mode (its last uplink's Class B bit) gets it in its next ping slot
 * (section 11.2, {@link ClassBSlots}), through the best of those gateways with a GPS clock ({@code tmms}). One item at a
 * time. Every instance hears each enqueue (the downlink-wake channel); the one that reaches the gateway sends, after
 * reserving the device's downlink path in Redis, which an uplink holds for its receive windows: a Class A window
 * pending wins, and two instances never send at once. A confirmed item waits for the device's ACK until the
 * profile's {@code class_c_timeout} (Class C) or {@code class_b_timeout} after its ping slot (Class B); then it is
 * unacknowledged, and sent again while {@code downlink.confirmed_retries} allows. A device is in Class C when its
 * profile supports it, until a LoRaWAN 1.1 device says otherwise with DeviceModeInd. Runs on the pipeline's event
 * loop.
 */
final class ScheduledDownlinks {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledDownlinks.class);
    private static final ThrottledLog FAILURES = new ThrottledLog(LOG, 10_000);
    /**
     * How long one item holds the device's downlink path until the gateway's TX_ACK (then its time on air only);
     * also the hold an instance that dies while sending leaves.
     */
    private static final Duration HOLD = Duration.ofSeconds(3);
    /** Past a hold's end, so that the next try finds it gone. */
    private static final Duration AFTER_HOLD = Duration.ofMillis(20);
    /** After a gateway's refusal (duty cycle, collision): another try after this. */
    private static final Duration RETRY = Duration.ofSeconds(2);
    /** Besides the gateway's one-way downlink delay: a ping slot closer than this is not taken. */
    private static final Duration PING_SLOT_LEAD = Duration.ofMillis(200);
    /** How long an instance that reaches only a lesser gateway of the device waits, per better gateway. */
    private static final Duration PER_RANK = Duration.ofMillis(150);
    /** Tries of one wake-up before the device waits for its next enqueue or uplink. */
    private static final int MAX_TRIES = 5;

    private final Context context;
    private final NetworkPlan plan;
    private final DeviceStore devices;
    private final SessionStore sessions;
    private final DownlinkQueue queue;
    private final QueueHead heads;
    private final ItemCounter counters;
    private final DeviceSettings settings;
    private final DownlinkScheduler downlinks;
    private final GatewayBackend gateways;
    private final EventSink events;
    private final int confirmedRetries;
    /** Devices with a try scheduled, and with an ACK deadline: the timer. Pipeline event loop only. */
    private final Map<Eui64, Long> tries = new HashMap<>();
    private final Map<Eui64, Long> deadlines = new HashMap<>();

    ScheduledDownlinks(Context context, NetworkPlan plan, DeviceStore devices, SessionStore sessions,
                       DownlinkQueue queue, DeviceSettings settings, DownlinkScheduler downlinks,
                       GatewayBackend gateways, EventSink events, int confirmedRetries) {
        this.context = context;
        this.plan = plan;
        this.devices = devices;
        this.sessions = sessions;
        this.queue = queue;
        this.heads = new QueueHead(queue, events);
        this.counters = new ItemCounter(sessions, heads);
        this.settings = settings;
        this.downlinks = downlinks;
        this.gateways = gateways;
        this.events = events;
        this.confirmedRetries = confirmedRetries;
    }

    /**
     * Something was queued for the device (any thread): sends it if the device is in Class C or B and reachable
     * here.
     */
    void wake(Eui64 devEui) {
        context.runOnContext(v -> later(devEui, Duration.ZERO, 0));
    }

    /**
     * Where and when one item goes: the class ("B" or "C"), the gateway and its rank among those that heard the
     * device (0: the best), the ping slot (Class B; empty for Class C, at once) and the frequency and data rate.
     */
    private record Route(String deviceClass, Eui64 gateway, int rank, Optional<PingSlot> slot, long frequencyHz,
                         int dataRate) {
    }

    private Future<Void> drain(Eui64 devEui, int tries) {
        return devices.get(devEui).compose(device -> device.isEmpty() ? Future.succeededFuture()
                : settings.of(device.get()).compose(profile -> sessions.downlinkTarget(devEui)
                        .compose(target -> target.isEmpty() ? Future.succeededFuture()
                                : drain(device.get(), profile, target.get(), tries))));
    }

    private Future<Void> drain(Device device, EffectiveProfile profile, DownlinkTarget target, int tries) {
        Eui64 devEui = device.devEui();
        Optional<Region> served = plan.region(profile.regionId());
        if (served.isEmpty()) {
            return Future.succeededFuture();
        }
        if (target.pendingAck().isPresent()) {
            // A confirmed item out there: the next waits for its ACK or its deadline, which may have passed while no
            // instance watched it (the one that sent it restarted, or it went in a Class A answer).
            PendingAck pending = target.pendingAck().get();
            if (pending.deadline().isEmpty()) {
                return Future.succeededFuture();
            }
            Duration left = Duration.between(Instant.now(), pending.deadline().get());
            deadline(device, pending, left.isNegative() ? Duration.ZERO : left);
            return Future.succeededFuture();
        }
        Region region = served.get();
        Optional<Route> route = route(target, profile, region);
        if (route.isEmpty()) {
            return Future.succeededFuture();
        }
        Route to = route.get();
        if (to.rank() > 0 && tries == 0) {
            later(devEui, PER_RANK.multipliedBy(to.rank()), 1);
            return Future.succeededFuture();
        }
        // Class B: the path is held until the slot has passed; Class C: until the gateway's TX_ACK.
        Duration hold = to.slot().map(slot -> Duration.between(Instant.now(), GpsTime.utc(slot.gpsMillis())).plus(HOLD))
                .orElse(HOLD);
        return queue.reserve(devEui, hold).compose(held -> {
            if (!held.isZero()) {
                // Another try when the hold ends: a Class A answer may take the item meanwhile.
                if (tries + 1 < MAX_TRIES) {
                    later(devEui, held.plus(AFTER_HOLD), tries + 1);
                }
                return Future.succeededFuture();
            }
            boolean dwellTime = downlinkDwellTime(target, region, profile);
            return heads.next(device.applicationId(), devEui, target.session(), target.pendingSessionId(),
                    region.largestDownlinkPayload(dwellTime), Instant.now())
                    .compose(head -> head.item().isEmpty() ? Future.succeededFuture()
                            : send(device, profile, target, region, to, head.item().get(), dwellTime, tries));
        });
    }

    /**
     * Class C through the best gateway that heard the last uplink and that this instance reaches; Class B through the
     * best of them with a GPS clock, in the next ping slot this server can still make. An instance that reaches only
     * a lesser gateway waits {@link #PER_RANK} per better one first, so that the instance of the best gateway sends
     * (both heard the same wake-up), and sends itself when that one is gone.
     */
    private Optional<Route> route(DownlinkTarget target, EffectiveProfile profile, Region region) {
        List<HeardBy> candidates;
        if (inClassC(profile, target)) {
            candidates = target.heardBy();
        } else if (profile.classes().classB() && target.mac().isPresent()) {
            candidates = target.heardBy().stream().filter(HeardBy::gpsTime).toList();
        } else {
            return Optional.empty();
        }
        for (int rank = 0; rank < candidates.size(); rank++) {
            Eui64 gateway = candidates.get(rank).gateway();
            if (!gateways.reachable(gateway)) {
                continue;
            }
            if (inClassC(profile, target)) {
                MacState.RxSettings rx = rx(target, profile);
                return Optional.of(new Route("C", gateway, rank, Optional.empty(), rx.rx2Frequency(),
                        rx.rx2DataRate()));
            }
            long lead = gateways.latency(gateway).downlinkOneWay().plus(PING_SLOT_LEAD).toMillis();
            int gatewayRank = rank;
            return ClassBSlots.next(target.session().devAddr(), target.mac().get(), region,
                            profile.classes().pingSlotPeriodicity(), GpsTime.millis(Instant.now()), lead)
                    .map(slot -> new Route("B", gateway, gatewayRank, Optional.of(slot), slot.frequencyHz(),
                            slot.dataRate()));
        }
        return Optional.empty();
    }

    private Future<Void> send(Device device, EffectiveProfile profile, DownlinkTarget target, Region region,
                              Route to, QueuedDownlink item, boolean dwellTime, int tries) {
        Eui64 devEui = device.devEui();
        if (item.size() > region.maxPayload(to.dataRate(), false, dwellTime).n()) {
            // Larger than the data rate carries: it waits for a Class A window at a faster data rate.
            return Future.succeededFuture();
        }
        return counters.take(device.applicationId(), devEui, target.session().lorawan11(), item).compose(fCnt -> {
            if (fCnt.isEmpty()) {
                later(devEui, AFTER_HOLD, 0);
                return Future.succeededFuture();
            }
            long f = fCnt.getAsLong();
            // No MAC commands: a Class B ping carrying some is dropped by the device (LoRaWAN 1.0.4 section 9.3.1).
            DataDownlink down = new DataDownlink(item.confirmed(), profile.adr().enabled(), false, f,
                    OptionalLong.empty(), new byte[0], false, OptionalInt.of(item.fPort()),
                    QueuedPayload.frmPayload(item, target.session(), f));
            byte[] phy = down.encode(target.session());
            Future<DownlinkOutcome> sent = to.slot().isPresent()
                    ? downlinks.sendAt(to.gateway(), region, phy, to.slot().get().gpsMillis(), to.frequencyHz(),
                            to.dataRate())
                    : downlinks.sendImmediately(to.gateway(), region, phy, to.frequencyHz(), to.dataRate());
            return sent.compose(outcome -> settle(device, profile, item, f, outcome, tries, region, to, phy.length));
        });
    }

    private Future<Void> settle(Device device, EffectiveProfile profile, QueuedDownlink item, long fCnt,
                                DownlinkOutcome outcome, int tries, Region region, Route to, int size) {
        Eui64 devEui = device.devEui();
        if (!outcome.mayHaveGone()) {
            LOG.debug("Class {} downlink {} to {} not sent: {}", to.deviceClass(), item.id(), devEui, outcome);
            return counters.notSent(device.applicationId(), devEui, item, fCnt, outcome.reason()).map(dropped -> {
                if (tries + 1 < MAX_TRIES) {
                    later(devEui, dropped ? AFTER_HOLD : RETRY, dropped ? 0 : tries + 1);
                }
                return null;
            });
        }
        // The frame is on air from now (Class C) or from its ping slot (Class B) for its time on air: the path is held
        // that long, then the next may go.
        Instant start = to.slot().map(slot -> GpsTime.utc(slot.gpsMillis())).orElse(Instant.now());
        Duration onAir = Duration.ofNanos(TimeOnAir.downlinkMicros(region.dataRate(to.dataRate()), size) * 1000);
        Duration busy = Duration.between(Instant.now(), start.plus(onAir));
        Duration timeout = to.slot().isPresent() ? profile.classBTimeout() : profile.classCTimeout();
        Optional<PendingAck> pending = item.confirmed()
                ? Optional.of(new PendingAck(item, fCnt, Instant.now(), start,
                        Optional.of(start.plus(onAir).plus(timeout))))
                : Optional.empty();
        return queue.holdFor(devEui, busy).compose(v -> queue.take(devEui, item.id(), pending)).map(left -> {
            if (left.isEmpty()) {
                return null;
            }
            events.publish(DownlinkEvents.sent(device.applicationId(), devEui, item, fCnt, to.deviceClass(),
                    outcome));
            if (pending.isPresent()) {
                deadline(device, pending.get(), busy.plus(timeout));
            } else if (left.get() > 0) {
                later(devEui, busy.plus(AFTER_HOLD), 0);
            }
            return null;
        });
    }

    /** At the confirmed item's deadline: unacknowledged unless an uplink took its pending ACK first. */
    private void deadline(Device device, PendingAck pending, Duration timeout) {
        Eui64 devEui = device.devEui();
        schedule(deadlines, devEui, timeout, () -> queue.takeExpiredAck(devEui, pending.item().id()).compose(expired -> {
            if (expired.isEmpty()) {
                return Future.succeededFuture();
            }
            QueuedDownlink item = pending.item();
            boolean retry = item.encryption().isEmpty() && item.attempts() < confirmedRetries
                    && !item.expired(Instant.now());
            events.publish(DownlinkEvents.nack(device.applicationId(), devEui, pending, "ack_timeout", retry));
            Future<Void> requeued = retry ? queue.requeue(devEui, item.retried()) : Future.succeededFuture();
            return requeued.map(v -> {
                later(devEui, Duration.ZERO, 0);
                return null;
            });
        }).onFailure(failure -> FAILURES.warn("scheduled_downlink_ack", "Class B/C ACK deadline failed",
                devEui + ": " + failure.getMessage())));
    }

    private void later(Eui64 devEui, Duration delay, int tries) {
        schedule(this.tries, devEui, delay, () -> drain(devEui, tries).onFailure(failure -> FAILURES.warn(
                "scheduled_downlink", "Class B/C downlink failed", devEui + ": " + failure.getMessage())));
    }

    /** One timer per device in {@code timers}: a later one replaces it. */
    private void schedule(Map<Eui64, Long> timers, Eui64 devEui, Duration delay, Runnable task) {
        Long previous = timers.remove(devEui);
        if (previous != null) {
            context.owner().cancelTimer(previous);
        }
        long timer = context.owner().setTimer(Math.max(1, delay.toMillis()), id -> context.runOnContext(v -> {
            timers.remove(devEui, id);
            task.run();
        }));
        timers.put(devEui, timer);
    }

    /**
     * Class C by the profile, unless a LoRaWAN 1.1 device said with DeviceModeInd that it works in Class A (1.1
     * section 5.15: 0 Class A, 2 Class C).
     */
    private static boolean inClassC(EffectiveProfile profile, DownlinkTarget target) {
        if (!profile.classes().classC()) {
            return false;
        }
        return target.mac().flatMap(MacState::deviceMode).map(mode -> mode == 2).orElse(true);
    }

    private static MacState.RxSettings rx(DownlinkTarget target, EffectiveProfile profile) {
        return target.mac().map(MacState::rx).orElse(new MacState.RxSettings(profile.rx1Delay(),
                profile.rx1DrOffset(), profile.rx2DataRate(), profile.rx2Frequency()));
    }

    private static boolean downlinkDwellTime(DownlinkTarget target, Region region, EffectiveProfile profile) {
        return target.mac().flatMap(MacState::txParams).map(MacState.TxParams::downlinkDwellTime)
                .orElse(region.dwellTime(profile.regParamsRevision()).downlinkDefault());
    }
}
