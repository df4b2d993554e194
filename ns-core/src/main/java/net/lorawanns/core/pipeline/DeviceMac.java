package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;
import net.lorawanns.core.device.FCntDecision;
import net.lorawanns.core.events.ApplicationEvent;
import net.lorawanns.core.events.EventSink;
import net.lorawanns.core.mac.MacAnswerHandler;
import net.lorawanns.core.mac.MacCommand;
import net.lorawanns.core.mac.MacState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session's MAC state for a new frame: as stored (it comes with the counter step), or the one a fresh session
 * starts from; then the device's answers to the network's requests applied to it ({@link MacAnswerHandler}), a
 * status report passed on to the application, and refusals reported. A LoRaWAN 1.1 ABP device's ResetInd starts it
 * afresh, as the device itself did (LoRaWAN 1.1 section 5.1). Runs on the pipeline's event loop.
 */
final class DeviceMac implements DataStep {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceMac.class);

    private final MacTargets targets;
    private final EventSink events;

    DeviceMac(MacTargets targets, EventSink events) {
        this.targets = targets;
        this.events = events;
    }

    @Override
    public Future<Next> apply(DataUplink uplink) {
        uplink.storedMac = uplink.counterStep.macState();
        if (!uplink.isNew()) {
            // A retransmission's answer goes out with the settings in force; nothing in it is handled again.
            uplink.mac = uplink.storedMac.orElseGet(() -> targets.initial(uplink));
            return GO_ON;
        }
        // A device that restarted (its counter went back, accepted as a reset under relax_fcnt) is back on its
        // defaults, as is a LoRaWAN 1.1 ABP device that says so with ResetInd (1.1 section 5.1).
        boolean reset = uplink.counterStep.decision() == FCntDecision.RESET || !uplink.device.otaa()
                && uplink.session().lorawan11()
                && uplink.macCommands.stream().anyMatch(MacCommand.ResetInd.class::isInstance);
        MacState state = reset || uplink.storedMac.isEmpty() ? targets.initial(uplink) : uplink.storedMac.get();
        MacAnswerHandler.Outcome outcome = MacAnswerHandler.handle(state, uplink.macCommands, Instant::now);
        MacState answered = outcome.state();
        boolean linkAdrApplied = answered.dataRate() != state.dataRate()
                || answered.txPowerIndex() != state.txPowerIndex() || answered.nbTrans() != state.nbTrans();
        int observed = uplink.dataRate.orElse(answered.dataRate());
        Optional<Integer> announced = deviceMode(uplink);
        Optional<Integer> mode = announced.isPresent() ? announced : answered.deviceMode();
        uplink.mac = observed == answered.dataRate() && !linkAdrApplied && mode.equals(answered.deviceMode())
                ? answered : answered.withAssigned(f -> {
                    f.dataRate = observed;
                    f.deviceMode = mode;
                    if (linkAdrApplied) {
                        // The SNRs heard before a new data rate or TX power overstate the margin after it.
                        f.adrHistory = "";
                    }
                });
        if (outcome.status().isPresent()) {
            events.publish(statusEvent(uplink, outcome.status().get()));
        }
        if (!outcome.refusals().isEmpty()) {
            String why = "DevEUI " + uplink.device.devEui() + ": " + String.join("; ", outcome.refusals());
            LOG.debug("{}", why);
            events.publish(EventJson.error(Optional.of(uplink.device.applicationId()), "mac_command_refused", why,
                    new JsonObject().put("dev_eui", uplink.device.devEui().toString())
                            .put("refusals", new JsonArray(outcome.refusals()))));
        }
        return GO_ON;
    }

    /** The class a LoRaWAN 1.1 device switched to with DeviceModeInd in this frame (1.1 section 5.15). */
    private static Optional<Integer> deviceMode(DataUplink uplink) {
        if (!uplink.session().lorawan11()) {
            return Optional.empty();
        }
        return uplink.macCommands.stream().filter(MacCommand.DeviceModeInd.class::isInstance)
                .map(command -> ((MacCommand.DeviceModeInd) command).deviceClass()).reduce((first, last) -> last);
    }

    private static ApplicationEvent statusEvent(DataUplink uplink, MacState.DeviceStatus status) {
        JsonObject json = new JsonObject().put("dev_eui", uplink.device.devEui().toString())
                .put("margin", status.margin()).put("time", status.at().toString());
        // Battery 0: external power; 255: the device could not measure (LoRaWAN 1.0.4 section 5.5).
        if (status.battery() == 0) {
            json.put("external_power", true);
        } else if (status.battery() < 255) {
            json.put("battery_level", Math.round(status.battery() * 1000.0 / 254) / 10.0);
        }
        return new ApplicationEvent(ApplicationEvent.STATUS, Optional.of(uplink.device.applicationId()), json);
    }
}
