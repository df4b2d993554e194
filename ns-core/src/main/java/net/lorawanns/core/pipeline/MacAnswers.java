package net.lorawanns.core.pipeline;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import net.lorawanns.core.gateway.RxInfo;
import net.lorawanns.core.mac.MacCommand;
import net.lorawanns.core.region.DataRate;
import net.lorawanns.core.uplink.Copy;
import net.lorawanns.core.uplink.DeduplicatedUplink;

/**
 * The network server's answers to the MAC commands a device sends (LoRaWAN 1.0.4 section 5, 1.1 section 5):
 * LinkCheckReq, DeviceTimeReq, and for LoRaWAN 1.1 the RekeyInd and ResetInd that the device repeats until
 * confirmed. Answers and reports the server has no use for yet are left unanswered, as the spec allows.
 */
final class MacAnswers implements DataStep {
    /** GPS time runs ahead of UTC by the leap seconds since 1980-01-06: 18 s since 2017-01-01. */
    private static final Duration GPS_MINUS_UTC = Duration.ofSeconds(18);
    private static final Instant GPS_EPOCH = Instant.parse("1980-01-06T00:00:00Z");
    /** The server's LoRaWAN 1.1 minor version, sent in RekeyConf and ResetConf. */
    private static final int SERVER_MINOR_VERSION = 1;

    @Override
    public Future<Next> apply(DataUplink uplink) {
        if (uplink.isNew()) {
            uplink.answers.addAll(answer(uplink.macCommands, uplink.copies, uplink.session().lorawan11(),
                    !uplink.device.otaa()));
        }
        return Future.succeededFuture(Next.CONTINUE);
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
        Optional<Long> gpsMillis = uplink.copies().stream().map(Copy::rxInfo).map(RxInfo::gpsTimeMillis)
                .filter(Objects::nonNull).findFirst();
        Duration gps;
        if (gpsMillis.isPresent()) {
            gps = Duration.ofMillis(gpsMillis.get());
        } else {
            RxInfo rx = uplink.copies().stream().map(Copy::rxInfo).filter(r -> r.time() != null).findFirst()
                    .orElse(uplink.copies().get(0).rxInfo());
            Instant utc = rx.time() != null ? rx.time() : rx.receivedAt();
            gps = Duration.between(GPS_EPOCH, utc).plus(GPS_MINUS_UTC);
        }
        int fractional = (int) (gps.toNanosPart() * 256L / 1_000_000_000L);
        return new MacCommand.DeviceTimeAns(gps.getSeconds(), fractional);
    }
}
