package net.lorawanns.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import net.lorawanns.core.classb.ClassBSlots;
import net.lorawanns.core.classb.PingSlot;
import net.lorawanns.core.frame.Direction;
import net.lorawanns.core.mac.MacAnswerHandler;
import net.lorawanns.core.mac.MacCommand;
import net.lorawanns.core.mac.MacCommandCodec;
import net.lorawanns.core.mac.MacPlanner;
import net.lorawanns.core.mac.MacState;
import net.lorawanns.core.mac.MacTarget;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.region.Regions;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.sim.DeviceClassB;
import net.lorawanns.sim.DeviceMac;
import net.lorawanns.sim.DeviceRegion;
import org.junit.jupiter.api.Test;

/**
 * The server's Class B MAC layer and ping-slot chooser against the independent test device, over the bytes of the
 * MAC commands: what the device announces and confirms, the server learns; and then the server picks, period after
 * period, the very slot, frequency and data rate the device listens on.
 */
class ClassBDeviceAgreementTest {
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static final long GPS_START = 1_448_448_000_000L;
    private static final int DEV_ADDR = 0x26011234;
    private static final byte[] DEV_ADDR_LE = {0x34, 0x12, 0x01, 0x26};

    @Test
    void aUs915DeviceAnnouncesItsPeriodicityAndTheServerPicksItsHoppingSlots() throws Exception {
        Region us915 = Regions.byId("us915");
        DeviceMac device = new DeviceMac(DeviceRegion.US915, "1.0.4", 2, 1);
        DeviceClassB classB = device.classB(4);
        device.pingSlotInfoReq();
        List<MacCommand> uplink = MacCommandCodec.decode(device.pendingCommands(), Direction.UPLINK);
        MacAnswers.ClassBAnswers answers = MacAnswers.classB(uplink, false, MacVersion.LORAWAN_1_0_4,
                state(us915), Optional.empty(), us915);
        device.receive(MacCommandCodec.encode(answers.answers()));
        assertTrue(classB.pingSlotInfoAcknowledged);
        // Acknowledged, the device switches to Class B: its next uplink has the Class B bit set.
        MacState inClassB = MacAnswers.classB(List.of(), true, MacVersion.LORAWAN_1_0_4, answers.mac(),
                Optional.empty(), us915).mac();
        // The profile says periodicity 7; the device's own 4 is what counts.
        agree(inClassB, us915, classB, OptionalInt.of(7));
    }

    @Test
    void anEu868DeviceTakesTheProfilesPingSlotChannelAndTheServerUsesItOnceConfirmed() throws Exception {
        Region eu868 = Regions.byId("eu868");
        DeviceMac device = new DeviceMac(DeviceRegion.EU868, "1.0.3", 5, 1);
        DeviceClassB classB = device.classB(2);
        MacState state = state(eu868);
        MacTarget target = new MacTarget(state.channels(), List.of(new MacTarget.ChannelMask(0, 0x0007)),
                new TreeMap<>(), new TreeMap<>(), state.rx(), 0, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(new MacState.PingSlotChannel(869_100_000L, 5)),
                OptionalLong.empty());
        MacPlanner.Plan plan = MacPlanner.plan(state, target, 5, false, () -> NOW);
        MacState sent = state.with(f -> f.pending = new ArrayList<>(plan.requests()));
        device.receive(MacCommandCodec.encode(plan.requests()));
        MacState answered = MacAnswerHandler.handle(sent,
                MacCommandCodec.decode(device.pendingCommands(), Direction.UPLINK), () -> NOW).state();
        assertEquals(Optional.of(new MacState.PingSlotChannel(869_100_000L, 5)), answered.pingSlotChannel());
        agree(answered.with(f -> f.classB = true), eu868, classB, OptionalInt.of(2));
    }

    /** For "now" stepping through five beacon periods, the server's next slot is the device's. */
    private static void agree(MacState state, Region region, DeviceClassB classB, OptionalInt profilePeriodicity) {
        for (long now = GPS_START; now < GPS_START + 5 * 128_000; now += 7_777) {
            PingSlot server = ClassBSlots.next(new DevAddr(DEV_ADDR), state, region, profilePeriodicity, now, 0)
                    .orElseThrow();
            DeviceClassB.Slot device = classB.nextSlot(now, DEV_ADDR_LE);
            assertEquals(new PingSlot(device.gpsMillis(), device.frequencyHz(), device.dataRate()), server,
                    "at GPS " + now);
        }
    }

    private static MacState state(Region region) {
        return MacState.initial(new TreeSet<>(region.enabledUplinkChannelIndices()), new TreeMap<>(),
                new MacState.RxSettings(1, 0, region.rx2DataRate(), region.rx2Frequency()));
    }
}
