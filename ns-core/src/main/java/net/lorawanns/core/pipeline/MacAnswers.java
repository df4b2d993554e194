package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import net.lorawanns.core.classb.BeaconTiming;
import net.lorawanns.core.gateway.RxInfo;
import net.lorawanns.core.mac.MacCommand;
import net.lorawanns.core.mac.MacState;
import net.lorawanns.core.region.DataRate;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.types.GpsTime;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.uplink.Copy;
import net.lorawanns.core.uplink.DeduplicatedUplink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network server's answers to the MAC commands a device sends (LoRaWAN 1.0.4 section 5, 1.1 section 5):
 * LinkCheckReq, DeviceTimeReq, for LoRaWAN 1.1 the RekeyInd and ResetInd that the device repeats until
 * confirmed, and the Class B PingSlotInfoReq and BeaconTimingReq. Answers and reports the server has no use for yet
 * are left unanswered, as the spec allows.
 */
final class MacAnswers implements DataStep {
    private static final Logger LOG = LoggerFactory.getLogger(MacAnswers.class);
    /** The server's LoRaWAN 1.1 minor version, sent in RekeyConf and ResetConf. */
    private static final int SERVER_MINOR_VERSION = 1;

    /** The answers to a device's Class B requests, and its MAC state with what they announced. */
    record ClassBAnswers(List<MacCommand.Downlink> answers, MacState mac) {
    }

    @Override
    public Future<Next> apply(DataUplink uplink) {
        if (uplink.isNew()) {
            if (!uplink.macCommands.isEmpty()) {
                uplink.answers.addAll(answer(uplink.macCommands, uplink.copies, uplink.session().lorawan11(),
                        !uplink.device.otaa()));
            }
            if (uplink.profile.classes().classB()) {
                ClassBAnswers classB = classB(uplink.macCommands, uplink.frame.fCtrl().classB(),
                        uplink.profile.macVersion(), uplink.mac, uplinkGpsMillis(uplink.copies), uplink.region);
                uplink.answers.addAll(classB.answers());
                uplink.mac = classB.mac();
                if (uplink.macCommands.stream().anyMatch(MacCommand.BeaconTimingReq.class::isInstance)
                        && classB.answers().stream().noneMatch(MacCommand.BeaconTimingAns.class::isInstance)) {
                    LOG.debug("DevEUI {}: BeaconTimingReq not answered (LoRaWAN {}, no gateway timed the uplink in "
                            + "GPS time, or a version that has DeviceTimeReq instead)", uplink.device.devEui(),
                            uplink.profile.macVersion());
                }
            }
        }
        return GO_ON;
    }

    /**
     * Class B requests of a device whose profile supports Class B (others are not answered: the network does not
     * serve them in Class B), and the Class B bit of its uplink's FCtrl, kept in the MAC state: whether the device is
     * in Class B mode (LoRaWAN 1.0.4 section 9.1). PingSlotInfoReq is acknowledged and its periodicity (up to
     * LoRaWAN 1.0.2 also its data rate) kept in the MAC state (1.0.4 section 12.1). BeaconTimingReq (LoRaWAN
     * 1.0.0-1.0.2; 1.0.3 deprecated it for DeviceTimeReq) is answered only when a GPS-synchronised gateway timed the
     * uplink ({@code tmms}): without, the time to the next beacon is not known closely enough. Its delay is counted
     * from the opening of RX2, the later window: a device that gets the answer in RX1 expects the beacon up to a
     * second early, and looks for it before it comes rather than after.
     *
     * @param classBBit the Class B bit of the uplink's FCtrl
     * @param uplinkGpsMillis the GPS time at the end of the uplink, if a gateway has a GPS clock
     */
    static ClassBAnswers classB(List<MacCommand> commands, boolean classBBit, MacVersion version, MacState mac,
                                Optional<Long> uplinkGpsMillis, Region region) {
        List<MacCommand.Downlink> answers = new ArrayList<>();
        MacState state = mac.classB() == classBBit ? mac : mac.withAssigned(f -> f.classB = classBBit);
        for (MacCommand command : commands) {
            if (command instanceof MacCommand.PingSlotInfoReq info) {
                int periodicity = info.periodicity(version);
                OptionalInt dataRate = info.dataRate(version);
                state = state.withAssigned(f -> {
                    f.pingSlotPeriodicity = OptionalInt.of(periodicity);
                    if (dataRate.isPresent()) {
                        long frequencyHz = f.pingSlotChannel.map(MacState.PingSlotChannel::frequencyHz).orElse(0L);
                        f.pingSlotChannel = Optional.of(new MacState.PingSlotChannel(frequencyHz,
                                dataRate.getAsInt()));
                    }
                });
                answers.add(new MacCommand.PingSlotInfoAns());
            } else if (command instanceof MacCommand.BeaconTimingReq && uplinkGpsMillis.isPresent()
                    && version.compareTo(MacVersion.LORAWAN_1_0_3) < 0) {
                answers.add(BeaconTiming.answer(uplinkGpsMillis.get() + (state.rx().rx1Delay() + 1) * 1000L,
                        region.beacon(), state.beaconFrequency().isPresent()));
            }
        }
        return new ClassBAnswers(answers, state);
    }

    private static Optional<Long> uplinkGpsMillis(DeduplicatedUplink uplink) {
        return uplink.copies().stream().map(Copy::rxInfo).map(RxInfo::gpsTimeMillis).filter(Objects::nonNull)
                .findFirst();
    }

    /**
     * @param lorawan11 the session follows LoRaWAN 1.1: RekeyInd, ResetInd and DeviceModeInd are 1.1 commands
     * @param abp the device was activated by personalization: ResetInd is for those only (1.1 section 5.1)
     */
    static List<MacCommand.Downlink> answer(List<MacCommand> commands, DeduplicatedUplink uplink, boolean lorawan11,
                                            boolean abp) {
        List<MacCommand.Downlink> answers = new ArrayList<>();
        for (MacCommand command : commands) {
            if (command instanceof MacCommand.LinkCheckReq) {
                answers.add(linkCheck(uplink));
            } else if (command instanceof MacCommand.DeviceTimeReq) {
                answers.add(deviceTime(uplink));
            } else if (command instanceof MacCommand.RekeyInd && lorawan11) {
                answers.add(new MacCommand.RekeyConf(SERVER_MINOR_VERSION));
            } else if (command instanceof MacCommand.ResetInd && lorawan11 && abp) {
                answers.add(new MacCommand.ResetConf(SERVER_MINOR_VERSION));
            } else if (command instanceof MacCommand.DeviceModeInd mode && lorawan11) {
                // Confirms the class the device switched to (1.1 section 5.15).
                answers.add(new MacCommand.DeviceModeConf(mode.deviceClass()));
            }
        }
        return answers;
    }

    /** Margin: the best copy's SNR above the demodulation floor of its spreading factor; GwCnt: gateways heard. */
    private static MacCommand.LinkCheckAns linkCheck(DeduplicatedUplink uplink) {
        double snr = uplink.copies().stream().map(Copy::rxInfo).filter(rx -> rx.snr() != null)
                .mapToDouble(RxInfo::snr).max().orElse(0);
        double floor = uplink.dataRate() instanceof DataRate.LoRa lora ? lora.requiredSnrDb() : 0;
        int margin = (int) Math.max(0, Math.min(254, Math.round(snr - floor)));
        long gateways = uplink.copies().stream().map(c -> c.rxInfo().gatewayEui()).distinct().count();
        return new MacCommand.LinkCheckAns(margin, (int) Math.min(255, gateways));
    }

    /**
     * The GPS time at the end of the uplink (LoRaWAN 1.0.4 section 5.9): the gateway's GPS time of the reception
     * ({@code tmms}) when one has a GPS clock, else its UTC time of the reception, else when this server received
     * the gateway's datagram, which follows the end of the uplink by the gateway's forwarding delay only.
     */
    private static MacCommand.DeviceTimeAns deviceTime(DeduplicatedUplink uplink) {
        Optional<Long> gpsMillis = uplinkGpsMillis(uplink);
        long gps;
        if (gpsMillis.isPresent()) {
            gps = gpsMillis.get();
        } else {
            RxInfo rx = uplink.copies().stream().map(Copy::rxInfo).filter(r -> r.time() != null).findFirst()
                    .orElse(uplink.copies().get(0).rxInfo());
            gps = GpsTime.millis(rx.time() != null ? rx.time() : rx.receivedAt());
        }
        int fractional = (int) (Math.floorMod(gps, 1000L) * 256 / 1000);
        return new MacCommand.DeviceTimeAns(Math.floorDiv(gps, 1000L), fractional);
    }
}
