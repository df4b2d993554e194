package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import net.lorawanns.core.backend.RejoinRequestContext;
import net.lorawanns.core.crypto.JoinCrypto;
import net.lorawanns.core.device.Device;
import net.lorawanns.core.device.DeviceSession;
import net.lorawanns.core.device.DeviceStore;
import net.lorawanns.core.device.EffectiveProfile;
import net.lorawanns.core.device.SessionCandidate;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.downlink.DownlinkScheduler;
import net.lorawanns.core.events.ApplicationEvent;
import net.lorawanns.core.events.EventSink;
import net.lorawanns.core.frame.DlSettings;
import net.lorawanns.core.frame.RejoinRequest;
import net.lorawanns.core.join.JoinAnswer;
import net.lorawanns.core.join.JoinServer;
import net.lorawanns.core.region.RegParamsRevisions;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.uplink.DeduplicatedUplink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rejoin-requests of LoRaWAN 1.1 devices (section 6.2.4). Types 0 and 2 carry our NetID: we check their MIC with the
 * active session's SNwkSIntKey and their RJcount0 (greater than the last, one atomic Redis step), since the join
 * server holds no network session key. Type 1 carries the JoinEUI, which must be the one registered for the device;
 * its MIC (JSIntKey) and RJcount1 are the join server's to check. Each goes to the device's join server as a
 * RejoinReq with a new DevAddr; the rejoin-accept is sent at the join-accept delays and its session waits as pending
 * until the device's first uplink with it, as after a join. What the new session keeps (section 6.2.4): type 0 and 1
 * take this network's current radio settings (DLSettings, RxDelay, CFList); type 2 (the answer to a ForceRejoinReq,
 * a rekey or new DevAddr) keeps the session's radio settings and sends no CFList.
 *
 * <p>Threads: runs on the pipeline's event loop, like {@link JoinHandler}.
 */
final class RejoinHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RejoinHandler.class);
    /** The rejoin-accept is a join-accept and is sent at its delays: JOIN_ACCEPT_DELAY2 is 6 s. */
    private static final long JOIN_ACCEPT_DELAY2_MILLIS = 6_000;
    /** Left for building and sending the rejoin-accept after the join server answered. */
    private static final Duration MARGIN = Duration.ofMillis(200);

    private final NetworkPlan plan;
    private final DeviceStore devices;
    private final DeviceSettings settings;
    private final MacTargets targets;
    private final SessionStore sessions;
    private final JoinServer joinServer;
    private final EventSink events;
    private final JoinAcceptance acceptance;
    private final PipelineMetrics metrics;

    RejoinHandler(NetworkPlan plan, DeviceStore devices, DeviceSettings settings, MacTargets targets,
                  SessionStore sessions, JoinServer joinServer, DownlinkScheduler downlinks, EventSink events,
                  PipelineMetrics metrics) {
        this.plan = plan;
        this.devices = devices;
        this.settings = settings;
        this.targets = targets;
        this.sessions = sessions;
        this.joinServer = joinServer;
        this.events = events;
        this.acceptance = new JoinAcceptance(plan, sessions, downlinks);
        this.metrics = metrics;
    }

    /** @param region the region of the gateways that heard the rejoin-request */
    Future<Void> handle(DeduplicatedUplink uplink, Region region, RejoinRequest request) {
        int type = request.rejoinType();
        JsonObject detail = new JsonObject().put("dev_eui", request.devEui().toString()).put("rejoin_type", type);
        if (request instanceof RejoinRequest.JoinEuiType type1) {
            detail.put("join_eui", type1.joinEui().toString()).put("rj_count1", type1.rjCount1());
        } else {
            detail.put("rj_count0", ((RejoinRequest.NetIdType) request).rjCount0());
        }
        return devices.get(request.devEui()).compose(found -> {
            if (found.isEmpty() || !found.get().otaa() || found.get().macVersion() != MacVersion.LORAWAN_1_1_0) {
                String why = found.isEmpty() ? "which is not registered" : !found.get().otaa()
                        ? "which is registered as ABP" : "which is registered as LoRaWAN " + found.get().macVersion()
                        + " (rejoin-requests are LoRaWAN 1.1 only)";
                return refuse(type, found.isEmpty() ? "unknown_device" : "not_otaa_1_1",
                        found.map(Device::applicationId), "rejoin-request type " + type + " from DevEUI "
                                + request.devEui() + ", " + why, detail);
            }
            Device device = found.get();
            return settings.of(device).compose(profile -> {
                if (!profile.regionId().equals(region.id())) {
                    return refuse(type, "region_mismatch", Optional.of(device.applicationId()), "rejoin-request type "
                            + type + " from DevEUI " + request.devEui() + " heard by gateways of region " + region.id()
                            + ", but its device profile is for " + profile.regionId(), detail
                            .put("gateway_region", region.id()).put("device_region", profile.regionId()));
                }
                OptionalInt dr = region.uplinkDataRateIndex(uplink.dataRate());
                if (dr.isEmpty()) {
                    metrics.rejoin(type, "unknown_data_rate");
                    return Future.succeededFuture();
                }
                if (request instanceof RejoinRequest.JoinEuiType type1) {
                    if (!type1.joinEui().equals(device.joinEui().orElseThrow())) {
                        return refuse(type, "join_eui_mismatch", Optional.of(device.applicationId()),
                                "rejoin-request of DevEUI " + request.devEui() + " names JoinEUI " + type1.joinEui()
                                        + ", but the device is registered with JoinEUI " + device.joinEui().get(),
                                detail.put("registered_join_eui", device.joinEui().get().toString()));
                    }
                    return ask(uplink, region, device, dr.getAsInt(), context(uplink, region, request, device,
                            profile.rx1DrOffset(), profile.rx2DataRate(), profile.rx1Delay(), Optional.of(profile)),
                            detail);
                }
                return verifiedByUs(uplink, region, (RejoinRequest.NetIdType) request, device, profile, dr.getAsInt(),
                        detail);
            });
        });
    }

    /** Types 0 and 2: our NetID, the MIC with the active session's SNwkSIntKey, then RJcount0. */
    private Future<Void> verifiedByUs(DeduplicatedUplink uplink, Region region, RejoinRequest.NetIdType request,
                                      Device device, EffectiveProfile profile, int dr, JsonObject detail) {
        int type = request.rejoinType();
        Optional<String> application = Optional.of(device.applicationId());
        if (!request.netId().equals(plan.netId())) {
            return refuse(type, "other_network", application, "rejoin-request of DevEUI " + request.devEui()
                    + " names NetID " + request.netId() + "; this network is " + plan.netId(), detail);
        }
        return sessions.sessionsOf(device.devEui()).compose(found -> {
            Optional<DeviceSession> active = found.stream().filter(candidate -> !candidate.pending())
                    .map(SessionCandidate::session).findFirst();
            if (active.isEmpty() || !active.get().lorawan11()) {
                return refuse(type, "no_session", application, "rejoin-request type " + type + " of DevEUI "
                        + request.devEui() + ": the device has no active LoRaWAN 1.1 session to check its MIC with",
                        detail);
            }
            DeviceSession session = active.get();
            if (!JoinCrypto.rejoinRequestMic(session.sNwkSIntKey(), request).equals(request.mic())) {
                metrics.rejoin(type, "mic_failed");
                String why = "rejoin-request type " + type + " of DevEUI " + request.devEui()
                        + " does not verify with the SNwkSIntKey of its session";
                LOG.debug("{}", why);
                // Anyone can send a frame with this DevEUI: like every MIC failure, it belongs to no application.
                events.publish(EventJson.error(Optional.empty(), "mic_failed", why, detail));
                return Future.succeededFuture();
            }
            return sessions.useRejoinCount0(device.devEui(), session.id(), request.rjCount0()).compose(refused -> {
                if (refused.isPresent()) {
                    return refuse(type, "rj_count_replay", application, refused.get() + " (DevEUI " + request.devEui()
                            + ", rejoin-request type " + type + ")", detail);
                }
                // Type 2 changes DevAddr, keys and counters only: the radio settings stay (LoRaWAN 1.1 section 6.2.4).
                RejoinRequestContext context = type == 2
                        ? context(uplink, region, request, device, session.rx1DrOffset(), session.rx2DataRate(),
                                session.rxDelaySeconds(), Optional.empty())
                        : context(uplink, region, request, device, profile.rx1DrOffset(), profile.rx2DataRate(),
                                profile.rx1Delay(), Optional.of(profile));
                return ask(uplink, region, device, dr, context, detail);
            });
        });
    }

    private RejoinRequestContext context(DeduplicatedUplink uplink, Region region, RejoinRequest request,
                                         Device device, int rx1DrOffset, int rx2DataRate, int rxDelay,
                                         Optional<EffectiveProfile> cfListFor) {
        DevAddr devAddr = plan.devAddrs().next();
        return new RejoinRequestContext(uplink.phyPayload(), request, device.joinEui().orElseThrow(),
                device.macVersion(), plan.netId(), devAddr, new DlSettings(false, rx1DrOffset, rx2DataRate), rxDelay,
                cfListFor.flatMap(profile -> targets.channels(region, profile)
                        .joinAcceptCfList(profile.regParamsRevision())));
    }

    private Future<Void> ask(DeduplicatedUplink uplink, Region region, Device device, int dr,
                             RejoinRequestContext context, JsonObject detail) {
        int type = context.request().rejoinType();
        Instant received = uplink.copies().get(0).rxInfo().receivedAt();
        long budgetMillis = Duration.between(Instant.now(), received.plusMillis(JOIN_ACCEPT_DELAY2_MILLIS)
                .minus(MARGIN)).toMillis();
        if (budgetMillis <= 0) {
            metrics.rejoin(type, "too_late");
            return Future.succeededFuture();
        }
        Optional<String> application = Optional.of(device.applicationId());
        return joinServer.rejoin(context).timeout(budgetMillis, TimeUnit.MILLISECONDS).transform(answer -> {
            metrics.joinDecided(uplink.windowEndNanos());
            if (answer.failed()) {
                metrics.rejoin(type, "join_server_error");
                String why = "no answer from the join server to the rejoin-request of DevEUI " + device.devEui() + ": "
                        + answer.cause().getMessage();
                LOG.warn("{}", why);
                events.publish(EventJson.error(application, "join_failed", why, detail));
                return Future.succeededFuture();
            }
            if (answer.result() instanceof JoinAnswer.Rejected rejected) {
                metrics.rejoin(type, rejected.result().code());
                LOG.debug("Rejoin of {} rejected: {} {}", device.devEui(), rejected.result().code(),
                        rejected.description());
                events.publish(EventJson.error(application, "join_rejected", rejected.description(),
                        detail.put("result", rejected.result().code())));
                return Future.succeededFuture();
            }
            JoinAnswer.Accepted accepted = (JoinAnswer.Accepted) answer.result();
            if (!accepted.lorawan11()) {
                // A rejoin-accept is LoRaWAN 1.1 only (OptNeg set): one NwkSKey cannot be what the device derived.
                metrics.rejoin(type, "join_server_error");
                String why = "the join server answered the rejoin-request of DevEUI " + device.devEui()
                        + " with LoRaWAN 1.0 session keys (one NwkSKey); a rejoin needs the three 1.1 network keys";
                LOG.warn("{}", why);
                events.publish(EventJson.error(application, "join_failed", why, detail));
                return Future.succeededFuture();
            }
            return accepted(uplink, region, device, dr, context, accepted);
        });
    }

    private Future<Void> accepted(DeduplicatedUplink uplink, Region region, Device device, int dr, RejoinRequestContext context,
                                  JoinAnswer.Accepted accepted) {
        int type = context.request().rejoinType();
        return acceptance.accept(uplink, region, device.devEui(), context.devAddr(), dr, accepted,
                context.dlSettings().rx1DrOffset(), context.dlSettings().rx2DataRate(), context.rxDelay()).map(done -> {
                    metrics.rejoin(type, done.outcome().sent() ? "accepted" : "accept_not_sent");
                    JsonObject json = EventJson.radio(uplink, Optional.of(dr)).put("dev_eui", device.devEui().toString())
                            .put("join_eui", context.joinEui().toString()).put("rejoin_type", type)
                            .put("dev_addr", context.devAddr().toString())
                            .put("downlink", JoinHandler.downlink(done.outcome()));
                    EventJson.appSKeyReference(json, done.session().appSKeyReference());
                    events.publish(new ApplicationEvent(ApplicationEvent.REJOIN, Optional.of(device.applicationId()),
                            json));
                    return null;
                });
    }

    private Future<Void> refuse(int type, String result, Optional<String> application, String why, JsonObject detail) {
        metrics.rejoin(type, result);
        LOG.debug("{}", why);
        events.publish(EventJson.error(application, "join_rejected", why, detail));
        return Future.succeededFuture();
    }
}
