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
    private static final String MAC = "{\"dr\":5,\"ch\":[0,1,2]}";

    @Test
    void aNewFrameWithEveryFieldReadsBackEachInItsPlace() {
        CounterStepReply reply = read("0 41 2 3 1 17\nsession-2\n{\"f\":9}\n" + MAC + "\n" + DEVICE);
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
        CounterStepReply reply = read("2 4294967295 -1 0 0 -1\n\n\n\n" + DEVICE);
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
        CounterStepReply reply = read("4 -1 -1 0 0 -1");
        assertEquals(4, reply.decision());
        assertFalse(reply.hasDevice());
        assertTrue(reply.macEmpty());
        assertFalse(reply.deviceEquals(new byte[0]));
        assertEquals("", reply.pendingSessionId());
    }

    @Test
    void aRecordMayHoldNewlinesOfItsOwnAsTheLastField() {
        CounterStepReply reply = read("4 -1 -1 0 0 -1\n\n\n\n{\n}");
        assertArrayEquals(bytes("{\n}"), reply.device());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "0 1 2 3 4", "0 1 2 3 4 5 6", "5 1 -1 0 0 -1", "-1 1 -1 0 0 -1", "0 1 x 0 0 -1",
        "0 1 -1 0 0 -1\nno-more-fields", "0 1 -1 0 0 -1\na\nb\nc", "0  1 -1 0 0 -1", "0 1 -1 0 0 -"})
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
