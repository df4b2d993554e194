package net.lorawanns.core.device;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The counter step's reply as {@link SessionStore}'s {@code session_accept} writes it, read in place: a first line of
 * eight decimal numbers separated by spaces (decision, ForceRejoinReq type (-1 for none), queue length, path busy,
 * NFCntDown (-1 for none), then the lengths in bytes of the pending session id, the pending ACK and the MAC state),
 * then those three fields and the device record, which runs to the end. The line alone when the device is gone,
 * which only a STALE decision may be. The text fields stay where they are in the reply's bytes until a caller asks
 * for them.
 *
 * <p>Threads: immutable once read; read on the thread that completes the Redis reply.
 */
final class CounterStepReply {
    private static final int STALE = 4;

    private final byte[] bytes;
    /** Where reading has come to; used by the constructor only. */
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
        this.decision = (int) number(0, STALE, ' ');
        this.rejoinType = (int) number(-1, 7, ' ');
        this.queueLength = (int) number(0, Integer.MAX_VALUE, ' ');
        this.pathBusy = number(0, 1, ' ') == 1;
        this.fCntDown = number(-1, 0xFFFF_FFFFL, ' ');
        int pendingSessionLength = (int) number(0, bytes.length, ' ');
        int pendingAckLength = (int) number(0, bytes.length, ' ');
        int macLength = (int) number(0, bytes.length, '\n');
        if (at > bytes.length) {
            if (decision != STALE) {
                throw new IllegalArgumentException("counter step reply: no device record with decision " + decision);
            }
            pendingSessionAt = -1;
            pendingAckAt = -1;
            macAt = -1;
            deviceAt = -1;
        } else {
            pendingSessionAt = at;
            pendingAckAt = pendingSessionAt + pendingSessionLength;
            macAt = pendingAckAt + pendingAckLength;
            deviceAt = macAt + macLength;
            if (deviceAt > bytes.length) {
                throw new IllegalArgumentException("counter step reply: fields longer than the reply");
            }
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

    /**
     * The decimal number at {@link #at}, within [min, max], and the separator after it: a space, or for the line's
     * last number a newline or the end of the reply.
     */
    private long number(long min, long max, char separator) {
        boolean negative = at < bytes.length && bytes[at] == '-';
        int from = negative ? at + 1 : at;
        int end = from;
        long value = 0;
        while (end < bytes.length && bytes[end] >= '0' && bytes[end] <= '9' && end - from < 18) {
            value = value * 10 + (bytes[end] - '0');
            end++;
        }
        value = negative ? -value : value;
        boolean separated = end < bytes.length ? bytes[end] == separator : separator == '\n';
        if (end == from || !separated || value < min || value > max) {
            throw new IllegalArgumentException("counter step reply: no number in its range at " + at);
        }
        at = end + 1;
        return value;
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
        return macAt == deviceAt;
    }

    /** Whether the MAC state holds exactly {@code other}'s bytes. */
    boolean macEquals(byte[] other) {
        return deviceAt >= 0 && Arrays.equals(bytes, macAt, deviceAt, other, 0, other.length);
    }

    /** A copy of the MAC state's bytes. */
    byte[] mac() {
        return deviceAt < 0 ? new byte[0] : Arrays.copyOfRange(bytes, macAt, deviceAt);
    }

    /** Whether the device record holds exactly {@code other}'s bytes. */
    boolean deviceEquals(byte[] other) {
        return deviceAt >= 0 && Arrays.equals(bytes, deviceAt, bytes.length, other, 0, other.length);
    }

    /** A copy of the device record's bytes. */
    byte[] device() {
        return deviceAt < 0 ? new byte[0] : Arrays.copyOfRange(bytes, deviceAt, bytes.length);
    }

    /** The field from {@code from} to {@code to}; "" (no new String) when empty. */
    private String text(int from, int to) {
        return from == to ? "" : new String(bytes, from, to - from, StandardCharsets.UTF_8);
    }
}
