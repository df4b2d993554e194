package net.lorawanns.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import net.lorawanns.core.mac.MacState;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.types.Eui64;
import org.junit.jupiter.api.Test;

/**
 * Which devices keep their counter step's reads: a kept record comes back as the same object while its stored bytes
 * are the same, and a record not kept is parsed again at each step. The replies are typed in the counter step's
 * reply format ({@link CounterStepReplyTest}).
 */
class CounterStepReadsTest {
    /** Three DevEUIs with the same slot: below 2^32 a DevEUI's slot is its low 14 bits when bits 16-31 are zero. */
    private static final Eui64 A = new Eui64(0x0001L);
    private static final Eui64 B = new Eui64(0x4001L);
    private static final Eui64 C = new Eui64(0x8001L);

    private final CounterStepReads reads = new CounterStepReads(new RedisKeys("test"));

    @Test
    void aDeviceIsKeptFromItsSecondStepInARow() {
        Device first = step(A);
        Device second = step(A);
        assertNotSame(first, second, "the first step's record is not kept");
        assertSame(second, step(A), "the second step's record is kept");
        assertEquals(A, second.devEui());
    }

    @Test
    void devicesSendingOnceDoNotTakeAKeptDevicesSlot() {
        step(A);
        Device kept = step(A);
        step(B);
        step(C);
        step(B);
        assertSame(kept, step(A), "B and C, each turned away by the other, left A's entry");
    }

    @Test
    void aDeviceTakesTheSlotAtItsSecondStepInARowThere() {
        step(A);
        Device keptA = step(A);
        step(B);
        Device keptB = step(B);
        assertSame(keptB, step(B));
        assertNotSame(keptA, step(A), "A's entry was replaced by B's");
    }

    @Test
    void aMacStateIsKeptOnlyBesideAKeptDevice() {
        MacState state = MacState.initial(channels(), new TreeMap<>(), new MacState.RxSettings(1, 0, 0, 869_525_000));
        byte[] stored = state.toJsonBytes();
        step(A);
        reads.keepMac(A, stored, state);
        assertTrue(reads.macIfSame(A, stored).isEmpty(), "A is not kept yet");
        step(A);
        reads.keepMac(A, stored, state);
        assertSame(state, reads.macIfSame(A, stored).orElseThrow());
    }

    @Test
    void aMacStateOfADeviceWithoutTheSlotLeavesTheHoldersEntry() {
        MacState held = MacState.initial(channels(), new TreeMap<>(), new MacState.RxSettings(1, 0, 0, 869_525_000));
        MacState other = MacState.initial(channels(), new TreeMap<>(), new MacState.RxSettings(5, 0, 0, 869_525_000));
        step(A);
        Device keptA = step(A);
        reads.keepMac(A, held.toJsonBytes(), held);
        step(B);
        reads.keepMac(B, other.toJsonBytes(), other);
        assertTrue(reads.macIfSame(B, other.toJsonBytes()).isEmpty());
        assertSame(held, reads.macIfSame(A, held.toJsonBytes()).orElseThrow());
        assertSame(keptA, step(A));
    }

    private Device step(Eui64 devEui) {
        String device = "{\"dev_eui\":\"" + devEui + "\",\"mac_version\":\"1.0.3\",\"application_id\":\"app\"}";
        // A new frame, no MAC state stored, the device record as the whole payload.
        byte[] reply = ("0 -1 0 0 -1 0 0 0\n" + device).getBytes(StandardCharsets.UTF_8);
        return reads.device(reads.of(devEui), CounterStepReply.read(reply));
    }

    private static SortedSet<Integer> channels() {
        return new TreeSet<>(List.of(0, 1, 2));
    }
}
