package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import net.lorawanns.core.backend.JoinRequestContext;
import net.lorawanns.core.device.Device;
import net.lorawanns.core.device.DeviceStore;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.downlink.DownlinkOutcome;
import net.lorawanns.core.downlink.DownlinkScheduler;
import net.lorawanns.core.events.ApplicationEvent;
import net.lorawanns.core.events.EventSink;
import net.lorawanns.core.frame.DlSettings;
import net.lorawanns.core.frame.JoinRequest;
import net.lorawanns.core.join.JoinAnswer;
import net.lorawanns.core.join.JoinServer;
import net.lorawanns.core.region.RegParamsRevisions;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.uplink.DeduplicatedUplink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The join path: a registered OTAA device's join-request, when it names the JoinEUI the device is registered with,
 * goes to the join server with the DevAddr, DLSettings, RxDelay and CFList this network chose (so the join server
 * is always the one the registered JoinEUI leads to); an accepted join's session is stored as pending and its join-accept
 * sent at JOIN_ACCEPT_DELAY1 (5 s) or JOIN_ACCEPT_DELAY2 (6 s) (LoRaWAN 1.0.4 section 6.2.6). The join server
 * checks the MIC and the DevNonce; it gets the time left before RX2 minus a margin, no more.
 */
final class JoinHandler {
    private static final Logger LOG = LoggerFactory.getLogger(JoinHandler.class);
    /** Left for building and sending the join-accept after the join server answered. */
    private static final Duration MARGIN = Duration.ofMillis(200);

    private final NetworkPlan plan;
    private final DeviceStore devices;
    private final JoinServer joinServer;
    private final EventSink events;
    private final JoinAcceptance acceptance;
    private final PipelineMetrics metrics;

    JoinHandler(NetworkPlan plan, DeviceStore devices, SessionStore sessions, JoinServer joinServer,
                DownlinkScheduler downlinks, EventSink events, PipelineMetrics metrics) {
        this.plan = plan;
        this.devices = devices;
        this.joinServer = joinServer;
        this.events = events;
        this.acceptance = new JoinAcceptance(plan, sessions, downlinks);
        this.metrics = metrics;
    }

    Future<Void> handle(DeduplicatedUplink uplink, JoinRequest request) {
        return devices.get(request.devEui()).compose(found -> {
            JsonObject detail = new JsonObject().put("dev_eui", request.devEui().toString())
                    .put("join_eui", request.joinEui().toString()).put("dev_nonce", request.devNonce().value());
            if (found.isEmpty() || !found.get().otaa()) {
                metrics.join(found.isEmpty() ? "unknown_device" : "not_otaa");
                String why = found.isEmpty() ? "join-request from DevEUI " + request.devEui() + ", which is not registered"
                        : "join-request from DevEUI " + request.devEui() + ", which is registered as ABP";
                LOG.debug("{}", why);
                events.publish(EventJson.error(found.map(Device::applicationId), "join_rejected", why, detail));
                return Future.succeededFuture();
            }
            Device device = found.get();
            Eui64 registered = device.joinEui().orElseThrow();
            if (!registered.equals(request.joinEui())) {
                // The JoinEUI in a join-request is not authenticated until a join server checks the MIC, and it is
                // that join server's keys that become the session: route by the registered JoinEUI only.
                metrics.join("join_eui_mismatch");
                String why = "join-request from DevEUI " + request.devEui() + " names JoinEUI " + request.joinEui()
                        + ", but the device is registered with JoinEUI " + registered;
                LOG.debug("{}", why);
                events.publish(EventJson.error(Optional.of(device.applicationId()), "join_rejected", why,
                        detail.put("registered_join_eui", registered.toString())));
                return Future.succeededFuture();
            }
            OptionalInt dr = plan.region().uplinkDataRateIndex(uplink.dataRate());
            if (dr.isEmpty()) {
                metrics.join("unknown_data_rate");
                return Future.succeededFuture();
            }
            DevAddr devAddr = plan.devAddrs().next();
            JoinRequestContext context = new JoinRequestContext(uplink.phyPayload(), request, device.macVersion(),
                    plan.netId(), devAddr, new DlSettings(false, plan.rx1DrOffset(), plan.rx2DataRate()),
                    plan.rx1DelaySeconds(),
                    plan.region().joinAcceptCfList(RegParamsRevisions.defaultFor(device.macVersion())));
            Instant received = uplink.copies().get(0).rxInfo().receivedAt();
            long budgetMillis = Duration.between(Instant.now(), received.plusMillis(6000).minus(MARGIN)).toMillis();
            if (budgetMillis <= 0) {
                metrics.join("too_late");
                return Future.succeededFuture();
            }
            return joinServer.join(context).timeout(budgetMillis, TimeUnit.MILLISECONDS).transform(answer -> {
                metrics.joinDecided(uplink.windowEndNanos());
                if (answer.failed()) {
                    metrics.join("join_server_error");
                    String why = "no answer from the join server for DevEUI " + request.devEui() + ": "
                            + answer.cause().getMessage();
                    LOG.warn("{}", why);
                    events.publish(EventJson.error(Optional.of(device.applicationId()), "join_failed", why, detail));
                    return Future.succeededFuture();
                }
                if (answer.result() instanceof JoinAnswer.Rejected rejected) {
                    metrics.join(rejected.result().code());
                    LOG.debug("Join of {} rejected: {} {}", request.devEui(), rejected.result().code(),
                            rejected.description());
                    events.publish(EventJson.error(Optional.of(device.applicationId()), "join_rejected",
                            rejected.description(), detail.put("result", rejected.result().code())));
                    return Future.succeededFuture();
                }
                return accepted(uplink, device, devAddr, dr.getAsInt(), (JoinAnswer.Accepted) answer.result());
            });
        });
    }

    private Future<Void> accepted(DeduplicatedUplink uplink, Device device, DevAddr devAddr, int dr,
                                  JoinAnswer.Accepted accepted) {
        return acceptance.accept(uplink, device.devEui(), devAddr, dr, accepted, plan.rx1DrOffset(),
                plan.rx2DataRate(), plan.rx1DelaySeconds()).map(done -> {
                    metrics.join(done.outcome().sent() ? "accepted" : "accept_not_sent");
                    JsonObject json = EventJson.radio(uplink, Optional.of(dr)).put("dev_eui", device.devEui().toString())
                            .put("join_eui", device.joinEui().orElseThrow().toString())
                            .put("dev_addr", devAddr.toString()).put("downlink", downlink(done.outcome()));
                    EventJson.appSKeyReference(json, done.session().appSKeyReference());
                    events.publish(new ApplicationEvent(ApplicationEvent.JOIN, Optional.of(device.applicationId()),
                            json));
                    return null;
                });
    }

    static JsonObject downlink(DownlinkOutcome outcome) {
        JsonObject json = new JsonObject().put("window", outcome.window()).put("status", outcome.result().status().name());
        outcome.gateway().ifPresent(gateway -> json.put("gateway_id", gateway.toString()));
        return json;
    }
}
