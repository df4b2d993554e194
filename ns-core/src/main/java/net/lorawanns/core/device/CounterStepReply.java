package net.lorawanns.core.device;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The counter step's reply as {@link SessionStore}'s {@code session_accept} writes it, read in place: a first line of
 * six decimal numbers separated by spaces (decision, last FCnt, ForceRejoinReq type, queue length, path busy,
 * NFCntDown; -1 for none), then, each after a newline, the pending session id, the pending ACK, the MAC state and the
 * device record, which runs to the end. The first line alone when the device is gone. The three fields before the
 * record never hold a newline: a UUID and compact JSON (which escapes control characters, RFC 8259 section 7).
 * The text fields stay where they are in the reply's bytes until a caller asks for them.
 */
final class CounterStepReply {
    private final byte[] bytes;
    /** Where reading has come to, while the constructor reads. */
    private int at;
    private final int decision;
    private final int rejoinType;
    private final int queueLength;
    private final boolean pathBusy;
    private final long fCntDown;
    /** Where the pending session id, the pending ACK, the MAC state and the record start; -1 without a record. */
    private final int pendingSessionAt;
    private final int pendingAckAt;
    private final int macAt;
    private final int deviceAt;

    private CounterStepReply(byte[] bytes) {
        this.bytes = bytes;
        this.decision = (int) number(' ');
        if (decision < 0 || decision > 4) {
            throw new IllegalArgumentException("counter step reply: no decision " + decision);
        }
        number(' ');
        this.rejoinType = (int) number(' ');
        this.queueLength = (int) number(' ');
        this.pathBusy = number(' ') == 1;
        this.fCntDown = number('\n');
        if (at > bytes.length) {
            pendingSessionAt = -1;
            pendingAckAt = -1;
            macAt = -1;
            deviceAt = -1;
        } else {
            pendingSessionAt = at;
            pendingAckAt = afterNewline(1);
            macAt = afterNewline(2);
            deviceAt = afterNewline(3);
        }
    }

    /**
     * Reads the reply; the bytes become the reply's (they are not copied).
     *
     * @throws IllegalArgumentException when they are not such a reply
     */
    static CounterStepReply read(byte[] bytes) {
        return new CounterStepReply(bytes);
    }

    /** The decimal number at {@link #at} and the separator after it (the end of the reply too for the last). */
    private long number(char separator) {
        boolean negative = at < bytes.length && bytes[at] == '-';
        int from = negative ? at + 1 : at;
        int end = from;
        long value = 0;
        while (end < bytes.length && bytes[end] >= '0' && bytes[end] <= '9' && end - from < 18) {
            value = value * 10 + (bytes[end] - '0');
            end++;
        }
        boolean ended = end == bytes.length && separator == '\n';
        if (end == from || !(ended || end < bytes.length && bytes[end] == separator)) {
            throw new IllegalArgumentException("counter step reply: a number unreadable at " + at);
        }
        at = end + 1;
        return negative ? -value : value;
    }

    /** Where the field after the next newline from {@link #at} starts. */
    private int afterNewline(int field) {
        for (int i = at; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                at = i + 1;
                return at;
            }
        }
        throw new IllegalArgumentException("counter step reply: field " + field + " unterminated");
    }

    /** 0 NEW, 1 RETRANSMISSION, 2 REPLAY, 3 RESET, 4 STALE. */
    int decision() {
        return decision;
    }

    /** The rejoin type of the ForceRejoinReq this step took; -1 for none. */
    int rejoinType() {
        return rejoinType;
    }

    int queueLength() {
        return queueLength;
    }

    boolean pathBusy() {
        return pathBusy;
    }

    /** The NFCntDown this step took for the answer; -1 for none. */
    long fCntDown() {
        return fCntDown;
    }

    /** False when the device is gone. */
    boolean hasDevice() {
        return deviceAt >= 0;
    }

    /** The pending session's id; empty for none (or without a record). */
    String pendingSessionId() {
        return text(pendingSessionAt, pendingAckAt);
    }

    /** The pending ACK this step took, as stored; empty for none. */
    String pendingAck() {
        return text(pendingAckAt, macAt);
    }

    /** True when the MAC state is empty (none stored yet). */
    boolean macEmpty() {
        return deviceAt < 0 || macAt == deviceAt - 1;
    }

    /** Whether the MAC state holds exactly {@code other}'s bytes. */
    boolean macEquals(byte[] other) {
        return deviceAt >= 0 && Arrays.equals(bytes, macAt, deviceAt - 1, other, 0, other.length);
    }

    /** A copy of the MAC state's bytes. */
    byte[] mac() {
        return deviceAt < 0 ? new byte[0] : Arrays.copyOfRange(bytes, macAt, deviceAt - 1);
    }

    /** Whether the device record holds exactly {@code other}'s bytes. */
    boolean deviceEquals(byte[] other) {
        return deviceAt >= 0 && Arrays.equals(bytes, deviceAt, bytes.length, other, 0, other.length);
    }

    /** A copy of the device record's bytes. */
    byte[] device() {
        return deviceAt < 0 ? new byte[0] : Arrays.copyOfRange(bytes, deviceAt, bytes.length);
    }

    /** The field from {@code from} to the newline before {@code nextFieldAt}; "" (no new String) when empty. */
    private String text(int from, int nextFieldAt) {
        int length = from < 0 ? 0 : nextFieldAt - 1 - from;
        return length == 0 ? "" : new String(bytes, from, length, StandardCharsets.UTF_8);
    }
}
