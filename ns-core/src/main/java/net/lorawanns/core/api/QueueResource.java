package net.lorawanns.core.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import net.lorawanns.core.device.Device;
import net.lorawanns.core.device.DeviceProfile;
import net.lorawanns.core.device.DeviceSession;
import net.lorawanns.core.device.EffectiveProfile;
import net.lorawanns.core.device.SessionCandidate;
import net.lorawanns.core.mac.MacState;
import net.lorawanns.core.queue.DownlinkEvents;
import net.lorawanns.core.queue.PayloadLimit;
import net.lorawanns.core.queue.PendingAck;
import net.lorawanns.core.queue.QueuedDownlink;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.types.Eui64;

/**
 * A device's application downlink queue through the API: enqueue (checked against the device's session and its
 * current data rates), list and flush. Runs on the API server's event loop; the events go out through the
 * {@link net.lorawanns.core.events.EventSink}, which any thread may call.
 */
final class QueueResource {
    private final RestApi.Services services;

    QueueResource(RestApi.Services services) {
        this.services = services;
    }

    /**
     * Queues an item for the device: {@code {"id", "queue_length"}}. The server encrypts the payload with the
     * AppSKey when it sends it, so it must hold the AppSKey of the session the item will go out in; an application that
     * holds the AppSKey itself (the join server kept it, or sent it only to the application) encrypts the payload and
     * gives the counter it used.
     */
    Future<JsonObject> enqueue(Eui64 devEui, JsonObject body) {
        Instant now = Instant.now();
        DownlinkRequest request = DownlinkRequest.parse(body, now);
        return device(devEui).compose(device -> {
            Future<List<SessionCandidate>> sessions = services.sessions().sessionsOf(devEui);
            Future<Optional<MacState>> mac = services.sessions().macState(devEui);
            Future<Optional<DeviceProfile>> profile = device.deviceProfileId().isPresent()
                    ? services.deviceProfiles().get(device.deviceProfileId().get())
                    : Future.succeededFuture(Optional.empty());
            return Future.all(sessions, mac, profile).compose(all -> {
                SessionCandidate target = target(sessions.result()).orElseThrow(() -> new ApiException(409, devEui
                        + " has no session: it has not joined yet"));
                DeviceSession session = target.session();
                if (request.applicationFCnt().isEmpty() && session.appSKey().isEmpty()) {
                    throw new ApiException(409, "this server does not hold the AppSKey of " + devEui + "'s session: "
                            + "encrypt the payload with the AppSKey and give it with \"encrypted\": true and the "
                            + "\"f_cnt\" (AFCntDown, FCntDown in LoRaWAN 1.0) you encrypted it with");
                }
                // The stored MAC state is the active session's: a pending session starts from its join-accept's.
                Optional<MacState> state = target.pending() ? Optional.empty() : mac.result();
                PayloadLimit limit = limit(device, profile.result(), session, state);
                if (!limit.fits(request.data().length)) {
                    throw new ApiException(400, "data: " + request.data().length + " bytes do not fit the device's "
                            + "receive windows at its current data rates: " + limit);
                }
                QueuedDownlink item = request.item(Optional.of(session.id()), now);
                return counterUnused(devEui, target, request).compose(v -> services.queue().enqueue(devEui, item))
                        .map(length -> {
                            services.eventSink().publish(DownlinkEvents.queued(device.applicationId(), devEui, item,
                                    length));
                            return new JsonObject().put("id", item.id().toString()).put("queue_length", length);
                        });
            });
        });
    }

    /**
     * An application-encrypted item's counter must not be below the session's next one, or it could never go out: a
     * pending session starts from 0 (its first uplink sets the counters), the active one's is read. The item is
     * checked again when it goes out, as other frames take counters meanwhile.
     */
    private Future<Void> counterUnused(Eui64 devEui, SessionCandidate target, DownlinkRequest request) {
        if (request.applicationFCnt().isEmpty()) {
            return Future.succeededFuture();
        }
        boolean lorawan11 = target.session().lorawan11();
        Future<Long> next = target.pending() ? Future.succeededFuture(0L)
                : services.sessions().peekFCntDown(devEui, lorawan11);
        return next.compose(counter -> {
            long fCnt = request.applicationFCnt().getAsLong();
            if (fCnt < counter) {
                return Future.failedFuture(new ApiException(409, "f_cnt: " + fCnt + " is already used in the device's "
                        + "session; the next " + (lorawan11 ? "AFCntDown" : "FCntDown") + " is " + counter
                        + ": encrypt the payload with that counter or a later one"));
            }
            return Future.succeededFuture();
        });
    }

    /**
     * The session the item will go out in: the session of a join while it is pending (it waits for the device's first
     * uplink with it, which makes it active; the application heard of it in the {@code join} event and encrypts with
     * its AppSKey), else the active one.
     */
    private static Optional<SessionCandidate> target(List<SessionCandidate> sessions) {
        return sessions.stream().filter(SessionCandidate::pending).findFirst()
                .or(() -> sessions.stream().findFirst());
    }

    /**
     * The payload limit checked on enqueue: the larger of RP002's N at the RX1 and RX2 data rates the device has now
     * (its MAC state's uplink data rate, RX1DROffset, RX2 data rate and downlink dwell time), since an item goes out
     * in whichever window can carry it, and is refused only when neither can. Before the device's first uplink in the
     * session it has no MAC state: its receive windows are then those its session gave it (the join-accept's DLSettings, the
     * profile's or network's at the time, or an ABP device's defaults), as the pipeline starts its MAC state from
     * them, and RX1 is not known. The data rates change (ADR, RXParamSetupReq), so the item is checked again when it
     * goes out, where MAC commands in FOpts also take their share.
     */
    private PayloadLimit limit(Device device, Optional<DeviceProfile> profile, DeviceSession session,
                               Optional<MacState> mac) {
        EffectiveProfile settings;
        try {
            settings = EffectiveProfile.of(device, profile, services.defaults());
        } catch (IllegalArgumentException notServed) {
            throw new ApiException(409, notServed.getMessage());
        }
        Region region = services.regions().get(settings.regionId());
        MacState.RxSettings rx = mac.map(MacState::rx).orElseGet(() -> new MacState.RxSettings(
                session.rxDelaySeconds(), session.rx1DrOffset(), session.rx2DataRate(), region.rx2Frequency()));
        OptionalInt uplinkDr = mac.map(MacState::dataRate).filter(dr -> dr >= 0).map(OptionalInt::of)
                .orElse(OptionalInt.empty());
        boolean dwellTime = mac.flatMap(MacState::txParams).map(MacState.TxParams::downlinkDwellTime)
                .orElse(region.dwellTime(settings.regParamsRevision()).downlinkDefault());
        return PayloadLimit.of(region, uplinkDr, rx, dwellTime);
    }

    /**
     * {@code {"items": [...], "pending_ack": {...}}}: the queue, oldest first, and the confirmed item that went out and
     * awaits the device's ACK. An item's payload is application data, not a key: it is shown.
     */
    Future<JsonObject> list(Eui64 devEui) {
        return device(devEui).compose(device -> {
            Future<List<QueuedDownlink>> items = services.queue().list(devEui);
            Future<Optional<PendingAck>> pending = services.queue().pendingAck(devEui);
            return Future.all(items, pending).map(all -> {
                JsonArray listed = new JsonArray();
                items.result().forEach(item -> listed.add(item.toJson()));
                JsonObject json = new JsonObject().put("dev_eui", devEui.toString()).put("items", listed);
                pending.result().ifPresent(ack -> json.put("pending_ack", ack.toJson()));
                return json;
            });
        });
    }

    /** Empties the queue: {@code {"removed": n}}, and a {@code downlink_failed} event ({@code flushed}) per item. */
    Future<JsonObject> flush(Eui64 devEui) {
        return device(devEui).compose(device -> services.queue().flush(devEui).map(removed -> {
            removed.forEach(item -> services.eventSink().publish(DownlinkEvents.failed(device.applicationId(), devEui,
                    item, "flushed", "the application flushed the queue before the item went out")));
            return new JsonObject().put("dev_eui", devEui.toString()).put("removed", removed.size());
        }));
    }

    private Future<Device> device(Eui64 devEui) {
        return services.devices().get(devEui).map(found -> found
                .orElseThrow(() -> new ApiException(404, "no device " + devEui)));
    }
}
