package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import net.lorawanns.core.device.EffectiveProfile;
import net.lorawanns.core.events.EventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device's settings for the steps after the counter step ({@link DeviceSettings}). A device's region follows
 * its profile: a frame heard only by gateways of another region cannot be answered on the device's channels, so it
 * is counted and reported instead of handled. Runs on the pipeline's event loop.
 */
final class ProfileStep implements DataStep {
    private static final Logger LOG = LoggerFactory.getLogger(ProfileStep.class);

    private final DeviceSettings settings;
    private final EventSink events;
    private final PipelineMetrics metrics;

    ProfileStep(DeviceSettings settings, EventSink events, PipelineMetrics metrics) {
        this.settings = settings;
        this.events = events;
        this.metrics = metrics;
    }

    @Override
    public Future<Next> apply(DataUplink uplink) {
        Future<EffectiveProfile> found = settings.of(uplink.device);
        if (found.succeeded()) {
            // Mostly: the profile cache had it, and the step goes on in this turn without a continuation.
            return checked(uplink, found.result()) == Next.CONTINUE ? GO_ON : STOP_HERE;
        }
        return found.map(profile -> checked(uplink, profile)).recover(e -> {
            if (!(e instanceof IllegalArgumentException)) {
                return Future.failedFuture(e);
            }
            metrics.frame("region_not_served");
            LOG.debug("Uplink of {} not handled: {}", uplink.device.devEui(), e.getMessage());
            return STOP_HERE;
        });
    }

    /** Keeps the device's settings; a frame heard by gateways of another region than its profile's stops here. */
    private Next checked(DataUplink uplink, EffectiveProfile profile) {
        uplink.profile = profile;
        if (profile.regionId().equals(uplink.region.id())) {
            return Next.CONTINUE;
        }
        metrics.frame("region_mismatch");
        String why = "uplink of DevEUI " + uplink.device.devEui() + " heard by gateways of region "
                + uplink.region.id() + ", but its device profile is for " + profile.regionId();
        LOG.debug("{}", why);
        events.publish(EventJson.error(Optional.of(uplink.device.applicationId()), "region_mismatch", why,
                new JsonObject().put("dev_eui", uplink.device.devEui().toString())
                        .put("gateway_region", uplink.region.id()).put("device_region", profile.regionId())));
        return Next.STOP;
    }
}
