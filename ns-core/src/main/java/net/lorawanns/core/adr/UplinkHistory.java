package net.lorawanns.core.adr;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalDouble;

/**
 * A device's last {@value #SIZE} uplink frames as ADR sees them: the 32-bit frame counter, the best SNR over the
 * gateways that heard the frame and how many did. Immutable; {@link #add} gives the next history. Frames whose
 * counters are missing between two kept frames are lost frames. {@link #encode()} and {@link #parse} give a
 * compact text form to keep in one Redis hash field.
 *
 * <p>The caller starts a device's history again ({@link #empty()}) when the device changes data rate or TX
 * power, since the SNR of frames sent with other settings no longer tells the margin of the current ones
 * (ChirpStack does so on a data-rate change, The Things Stack only uses the frames since the last change).
 */
public final class UplinkHistory {
    /** The window of the recommended algorithm: the last 20 uplinks. */
    public static final int SIZE = 20;
    private static final long MAX_F_CNT = 0xFFFF_FFFFL;
    private static final UplinkHistory EMPTY = new UplinkHistory(List.of(), "");

    private final List<Frame> frames;
    /** {@link #encode()}'s text, made once (when known ahead, from the history before this one). */
    private String encoded;

    /** One received frame: its 32-bit FCnt, the best SNR (dB) of its copies and the number of gateways. */
    public record Frame(long fCnt, double maxSnrDb, int gatewayCount) {
        public Frame {
            if (fCnt < 0 || fCnt > MAX_F_CNT) {
                throw new IllegalArgumentException("FCnt must be a 32-bit counter, got " + fCnt);
            }
            if (!Double.isFinite(maxSnrDb)) {
                throw new IllegalArgumentException("SNR must be a number of dB, got " + maxSnrDb);
            }
            if (gatewayCount < 1) {
                throw new IllegalArgumentException("a received frame has at least one gateway, got " + gatewayCount);
            }
        }
    }

    /** @param frames a list made for this history alone: kept as it is, without a copy */
    private UplinkHistory(List<Frame> frames, String encoded) {
        this.frames = Collections.unmodifiableList(frames);
        this.encoded = encoded;
    }

    public static UplinkHistory empty() {
        return EMPTY;
    }

    /**
     * The history with one more frame. A frame whose counter follows a gap counts the frames in between as
     * lost. A counter below the newest (a new session, or a counter reset) starts the history again with this
     * frame. The newest counter again (a repetition under NbTrans) keeps one frame, with the better SNR and
     * gateway count of the two. Beyond {@value #SIZE} frames the oldest is dropped.
     */
    public UplinkHistory add(long fCnt, double maxSnrDb, int gatewayCount) {
        Frame frame = new Frame(fCnt, maxSnrDb, gatewayCount);
        if (frames.isEmpty() || fCnt < newest().fCnt()) {
            return new UplinkHistory(List.of(frame), entry(new StringBuilder(24), frame).toString());
        }
        List<Frame> next = new ArrayList<>(frames.size() + 1);
        next.addAll(frames);
        if (fCnt == newest().fCnt()) {
            Frame before = next.remove(next.size() - 1);
            next.add(new Frame(fCnt, Math.max(before.maxSnrDb(), maxSnrDb),
                    Math.max(before.gatewayCount(), gatewayCount)));
            return new UplinkHistory(next, null);
        }
        next.add(frame);
        // The text is this one's, the oldest entry left out when it drops, and the new frame's entry added.
        String text = encode();
        int from = 0;
        if (next.size() > SIZE) {
            next.remove(0);
            from = text.indexOf(',') + 1;
        }
        StringBuilder out = new StringBuilder(text.length() - from + 24).append(text, from, text.length());
        return new UplinkHistory(next, entry(out.append(','), frame).toString());
    }

    /** The kept frames, oldest first. */
    public List<Frame> frames() {
        return frames;
    }

    public int size() {
        return frames.size();
    }

    /** Whether the history holds {@value #SIZE} frames, the window the recommended algorithm decides on. */
    public boolean isFull() {
        return frames.size() == SIZE;
    }

    /** The best SNR of all kept frames, or empty for an empty history. */
    public OptionalDouble maxSnrDb() {
        return frames.stream().mapToDouble(Frame::maxSnrDb).max();
    }

    /** The frames missing between the oldest and the newest kept frame. */
    public long lostFrames() {
        if (frames.isEmpty()) {
            return 0;
        }
        return newest().fCnt() - frames.get(0).fCnt() + 1 - frames.size();
    }

    /**
     * Lost frames over the frames sent from the oldest kept frame to the newest (received and lost), 0.0-1.0,
     * as The Things Stack counts; ChirpStack divides by the received frames only, a little more loss.
     */
    public double packetLossRate() {
        if (frames.isEmpty()) {
            return 0;
        }
        return (double) lostFrames() / (lostFrames() + frames.size());
    }

    /** The compact text form: {@code fCnt:snr:gateways} per frame, oldest first, separated by commas. */
    public String encode() {
        if (encoded == null) {
            StringBuilder text = new StringBuilder(frames.size() * 16);
            for (Frame frame : frames) {
                if (!text.isEmpty()) {
                    text.append(',');
                }
                entry(text, frame);
            }
            encoded = text.toString();
        }
        return encoded;
    }

    private static StringBuilder entry(StringBuilder text, Frame frame) {
        return text.append(frame.fCnt()).append(':').append(frame.maxSnrDb()).append(':').append(frame.gatewayCount());
    }

    /** Reads {@link #encode()}'s form; a malformed text is an {@link IllegalArgumentException} that quotes it. */
    public static UplinkHistory parse(String text) {
        if (text.isEmpty()) {
            return EMPTY;
        }
        String[] entries = text.split(",", -1);
        if (entries.length > SIZE) {
            throw new IllegalArgumentException("uplink history has " + entries.length + " frames, at most " + SIZE
                    + " are kept: '" + text + "'");
        }
        List<Frame> frames = new ArrayList<>(entries.length);
        for (String entry : entries) {
            String[] fields = entry.split(":", -1);
            try {
                if (fields.length != 3) {
                    throw new IllegalArgumentException("expected fCnt:snr:gateways");
                }
                Frame frame = new Frame(Long.parseLong(fields[0]), Double.parseDouble(fields[1]),
                        Integer.parseInt(fields[2]));
                if (!frames.isEmpty() && frame.fCnt() <= frames.get(frames.size() - 1).fCnt()) {
                    throw new IllegalArgumentException("counters must increase");
                }
                frames.add(frame);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("malformed uplink history entry '" + entry + "' ("
                        + e.getMessage() + ") in '" + text + "'", e);
            }
        }
        return new UplinkHistory(frames, null);
    }

    private Frame newest() {
        return frames.get(frames.size() - 1);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof UplinkHistory history && history.frames.equals(frames);
    }

    @Override
    public int hashCode() {
        return frames.hashCode();
    }

    @Override
    public String toString() {
        return "UplinkHistory[" + encode() + "]";
    }
}
