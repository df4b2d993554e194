package net.lorawanns.core.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The counter step's reply as the script writes it (its format is in {@link SessionStore}'s ACCEPT and
 * {@link CounterStepReply}): the values below are typed from that format, not written by the reader.
 * {@link SessionStoreTest} runs the script itself on a real Redis.
 */
class CounterStepReplyTest {
    private static final String DEVICE = "{\"dev_eui\":\"0A00000000000001\",\"mac_version\":\"1.0.3\"}";
    /** 21 bytes. */
    private static final String MAC = "{\"dr\":5,\"ch\":[0,1,2]}";

    @Test
    void aNewFrameWithEveryFieldReadsBackEachInItsPlace() {
        CounterStepReply reply = read("0 2 3 1 17 9 7 21\nsession-2{\"f\":9}" + MAC + DEVICE);
        assertEquals(0, reply.decision());
        assertEquals(2, reply.rejoinType());
        assertEquals(3, reply.queueLength());
        assertTrue(reply.pathBusy());
        assertEquals(17, reply.fCntDown());
        assertTrue(reply.hasDevice());
        assertEquals("session-2", reply.pendingSessionId());
        assertEquals("{\"f\":9}", reply.pendingAck());
        assertFalse(reply.macEmpty());
        assertArrayEquals(bytes(MAC), reply.mac());
        assertTrue(reply.macEquals(bytes(MAC)));
        assertFalse(reply.macEquals(bytes(MAC + " ")));
        assertArrayEquals(bytes(DEVICE), reply.device());
        assertTrue(reply.deviceEquals(bytes(DEVICE)));
        assertFalse(reply.deviceEquals(bytes(DEVICE.substring(1))));
    }

    @Test
    void emptyFieldsAndNoneValuesReadAsNone() {
        CounterStepReply reply = read("2 -1 0 0 -1 0 0 0\n" + DEVICE);
        assertEquals(2, reply.decision());
        assertEquals(-1, reply.rejoinType());
        assertFalse(reply.pathBusy());
        assertEquals(-1, reply.fCntDown());
        assertEquals("", reply.pendingSessionId());
        assertEquals("", reply.pendingAck());
        assertTrue(reply.macEmpty());
        assertArrayEquals(bytes(DEVICE), reply.device());
    }

    @Test
    void aGoneDeviceIsTheFirstLineAlone() {
        CounterStepReply reply = read("4 -1 0 0 -1 0 0 0");
        assertEquals(4, reply.decision());
        assertFalse(reply.hasDevice());
        assertTrue(reply.macEmpty());
        assertFalse(reply.deviceEquals(new byte[0]));
        assertEquals("", reply.pendingSessionId());
    }

    @Test
    void fieldsAreTakenByTheirLengthsWhateverTheyHold() {
        CounterStepReply reply = read("1 -1 0 0 -1 3 2 4\na\nb\n{}\n\n}\n{\n}");
        assertEquals("a\nb", reply.pendingSessionId());
        assertEquals("\n{", reply.pendingAck());
        assertArrayEquals(bytes("}\n\n}"), reply.mac());
        assertArrayEquals(bytes("\n{\n}"), reply.device());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "0 -1 0 0 -1 0 0", "0 -1 0 0 -1 0 0 0 0", "5 -1 0 0 -1 0 0 0", "-1 -1 0 0 -1 0 0 0",
        "4294967296 -1 0 0 -1 0 0 0\n{}", "0 8 0 0 -1 0 0 0\n{}", "0 -1 0 2 -1 0 0 0\n{}", "0 x 0 0 -1 0 0 0\n{}",
        "0  -1 0 0 -1 0 0 0\n{}", "0 -1 0 0 - 0 0 0\n{}", "0 -1 0 0 -1 0 0 0", "0 -1 0 0 -1 5 0 0\nabc",
        "0 -1 0 0 -1 0 0 0 \n{}"})
    void anythingElseIsRefusedWithTheReason(String text) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> read(text));
        assertTrue(refused.getMessage().startsWith("counter step reply: "), refused.getMessage());
    }

    private static CounterStepReply read(String text) {
        return CounterStepReply.read(bytes(text));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
