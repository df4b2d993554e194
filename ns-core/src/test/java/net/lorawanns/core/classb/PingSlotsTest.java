package net.lorawanns.core.classb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import net.lorawanns.core.mac.MacCommand;
import net.lorawanns.core.mac.MacState;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.region.Regions;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.GpsTime;
import org.junit.jupiter.api.Test;

/**
 * Ping slots against the specification's own formula, written out here with the JDK's AES (LoRaWAN 1.0.4 sections
 * 11.1 and 11.2, Tables 58-60): Rand = aes128_encrypt(16 zero octets, BeaconTime | DevAddr | pad16), both fields
 * little-endian; pingOffset = (Rand[0] + Rand[1] * 256) mod pingPeriod, pingPeriod = 2^(5 + periodicity), pingNb =
 * 2^(7 - periodicity); slot N opens BEACON_RESERVED (2.120 s) + (pingOffset + N * pingPeriod) * 30 ms after the
 * beacon. US915's default ping-slot frequency from LoRaWAN 1.0.4 section 14.2 over RP002-1.0.4 section 2.5.8's
 * beacon channels: 923.3 MHz + 0.6 MHz * ((DevAddr + floor(BeaconTime / 128)) mod 8), at DR8.
 */
class PingSlotsTest {
    private static final int[] DEV_ADDRS = {0x26011234, 0x00000001, 0xFC00AC12, 0xFFFFFFFF, 0x01ABCDEF};
    /** GPS seconds of three beacons: 2026-11-29 (two periods in a row) and the first beacon of 2030. */
    private static final long[] BEACON_TIMES = {beaconAtOrBefore("2026-11-29T12:00:00Z"),
        beaconAtOrBefore("2026-11-29T12:00:00Z") + 128, beaconAtOrBefore("2030-01-01T00:00:00Z")};
    private static final Region EU868 = Regions.byId("eu868");
    private static final Region US915 = Regions.byId("us915");

    private static long beaconAtOrBefore(String utc) {
        long seconds = GpsTime.millis(java.time.Instant.parse(utc)) / 1000;
        return seconds - seconds % 128;
    }

    /** The specification's pingOffset, computed with javax.crypto. */
    private static int specPingOffset(long beaconTime, int devAddr, int periodicity) throws GeneralSecurityException {
        Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[16], "AES"));
        byte[] block = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt((int) beaconTime).putInt(devAddr)
                .array();
        byte[] rand = aes.doFinal(block);
        int pingPeriod = 1 << (5 + periodicity);
        return ((rand[0] & 0xFF) + (rand[1] & 0xFF) * 256) % pingPeriod;
    }

    /** Every ping slot of one beacon period, in GPS milliseconds. */
    private static List<Long> specSlots(long beaconTime, int devAddr, int periodicity)
            throws GeneralSecurityException {
        int offset = specPingOffset(beaconTime, devAddr, periodicity);
        int pingPeriod = 1 << (5 + periodicity);
        List<Long> slots = new ArrayList<>();
        for (int n = 0; n < 1 << (7 - periodicity); n++) {
            slots.add(beaconTime * 1000 + 2120 + (offset + (long) n * pingPeriod) * 30);
        }
        return slots;
    }

    @Test
    void everySlotOfEveryPeriodIsTheSpecificationsAcrossPeriodicitiesAndDevAddrs() throws Exception {
        int checked = 0;
        for (long beaconTime : BEACON_TIMES) {
            for (int devAddr : DEV_ADDRS) {
                for (int periodicity = 0; periodicity <= 7; periodicity++) {
                    List<Long> slots = specSlots(beaconTime, devAddr, periodicity);
                    List<Long> following = specSlots(beaconTime + 128, devAddr, periodicity);
                    PingSlotPeriodicity p = new PingSlotPeriodicity(periodicity);
                    assertEquals(specPingOffset(beaconTime, devAddr, periodicity),
                            PingOffset.of(beaconTime, new DevAddr(devAddr), p));
                    // From the beacon itself, the first slot; at each slot, that slot; just after it, the next one.
                    assertEquals(slots.get(0), next(devAddr, p, beaconTime * 1000));
                    for (int i = 0; i < slots.size(); i++) {
                        long slot = slots.get(i);
                        long after = i + 1 < slots.size() ? slots.get(i + 1) : following.get(0);
                        assertEquals(slot, next(devAddr, p, slot), "periodicity " + periodicity + " slot " + i);
                        assertEquals(after, next(devAddr, p, slot + 1), "periodicity " + periodicity + " after " + i);
                        checked++;
                    }
                }
            }
        }
        assertEquals(3 * DEV_ADDRS.length * 255, checked);
    }

    private static long next(int devAddr, PingSlotPeriodicity periodicity, long gpsMillis) {
        return PingSlots.next(new DevAddr(devAddr), periodicity, EU868, 0, 3, gpsMillis).gpsMillis();
    }

    @Test
    void eu868SlotsAreOnTheBeaconFrequencyAtDr3() {
        PingSlot slot = ClassBSlots.next(new DevAddr(0x26011234), state(), EU868, OptionalInt.of(5),
                BEACON_TIMES[0] * 1000, 0).orElseThrow();
        assertEquals(869_525_000L, slot.frequencyHz());
        assertEquals(3, slot.dataRate());
    }

    @Test
    void us915SlotsHopWithTheBeaconPeriodAndTheDevAddr() throws Exception {
        for (int devAddr : DEV_ADDRS) {
            for (int period = 0; period < 10; period++) {
                long beaconTime = BEACON_TIMES[0] + 128L * period;
                PingSlot slot = ClassBSlots.next(new DevAddr(devAddr), state(), US915, OptionalInt.of(7),
                        beaconTime * 1000, 0).orElseThrow();
                long channel = Math.floorMod(Integer.toUnsignedLong(devAddr) + beaconTime / 128, 8L);
                assertEquals(923_300_000L + 600_000L * channel, slot.frequencyHz(), "DevAddr " + devAddr);
                assertEquals(8, slot.dataRate());
                assertEquals(specSlots(beaconTime, devAddr, 7).get(0), slot.gpsMillis());
            }
        }
    }

    @Test
    void theChooserKeepsTheLeadAndUsesWhatTheDeviceAnnouncedAndConfirmed() throws Exception {
        int devAddr = 0x26011234;
        long beacon = BEACON_TIMES[1] * 1000;
        List<Long> slots = specSlots(BEACON_TIMES[1], devAddr, 3);
        MacState confirmed = state().with(f -> {
            f.pingSlotPeriodicity = OptionalInt.of(3);
            f.pingSlotChannel = Optional.of(new MacState.PingSlotChannel(869_100_000L, 5));
        });
        // The device's own periodicity (3) wins over the profile's (7); the lead pushes past the first slot.
        PingSlot slot = ClassBSlots.next(new DevAddr(devAddr), confirmed, EU868, OptionalInt.of(7),
                slots.get(0) - 500, 501).orElseThrow();
        assertEquals(new PingSlot(slots.get(1), 869_100_000L, 5), slot);
        // Frequency 0 in PingSlotChannelReq is the region's default frequency, at the data rate given.
        MacState defaultFrequency = confirmed.with(f -> f.pingSlotChannel = Optional.of(
                new MacState.PingSlotChannel(0, 5)));
        assertEquals(new PingSlot(slots.get(0), 869_525_000L, 5), ClassBSlots.next(new DevAddr(devAddr),
                defaultFrequency, EU868, OptionalInt.of(7), beacon, 0).orElseThrow());
    }

    @Test
    void noSlotForADeviceWithoutClassBOutOfClassBModeOrWhileItsPingSlotChannelIsUnconfirmed() {
        assertTrue(ClassBSlots.next(new DevAddr(1), state(), EU868, OptionalInt.empty(), 0, 0).isEmpty());
        assertTrue(ClassBSlots.next(new DevAddr(1), state().with(f -> f.classB = false), EU868, OptionalInt.of(0), 0,
                0).isEmpty());
        MacState asked = state().with(f -> f.pending = new ArrayList<>(List.of(
                new MacCommand.PingSlotChannelReq(869_100_000L, 5))));
        assertTrue(ClassBSlots.next(new DevAddr(1), asked, EU868, OptionalInt.of(0), 0, 0).isEmpty());
    }

    @Test
    void beaconTimingCountsThirtyMillisecondStepsToTheNextBeaconAndItsHoppingChannel() {
        long beacon = BEACON_TIMES[0] * 1000;
        // 127.5 s before the next beacon: 4250 steps of 30 ms exactly; 127.51 s: still 4250 (30 x 4251 > RTime).
        assertEquals(new MacCommand.BeaconTimingAns(4250, 0), BeaconTiming.answer(beacon + 500, EU868.beacon(),
                false));
        assertEquals(new MacCommand.BeaconTimingAns(4250, 0), BeaconTiming.answer(beacon + 490, EU868.beacon(),
                false));
        // US915 beacons hop: channel = floor(BeaconTime / 128) mod 8 (RP002-1.0.4 section 2.5.8), of the next one.
        long nextChannel = Math.floorMod(BEACON_TIMES[0] / 128 + 1, 8L);
        assertEquals(new MacCommand.BeaconTimingAns(4250, (int) nextChannel),
                BeaconTiming.answer(beacon + 500, US915.beacon(), false));
        assertEquals(new MacCommand.BeaconTimingAns(4250, 0), BeaconTiming.answer(beacon + 500, US915.beacon(), true));
    }

    /** A device whose last uplink had the Class B bit set. */
    private static MacState state() {
        return MacState.initial(new TreeSet<>(List.of(0, 1, 2)), new TreeMap<>(),
                new MacState.RxSettings(1, 0, 0, 869_525_000L)).with(f -> f.classB = true);
    }
}
