package net.lorawanns.bridge;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.lorawanns.core.gateway.CrcStatus;
import net.lorawanns.core.gateway.RxInfo;
import net.lorawanns.core.gateway.UplinkFrame;
import net.lorawanns.core.region.DataRate;
import net.lorawanns.core.types.Eui64;

/**
 * The fields of one rxpk (PROTOCOL.TXT section 4) as a reader met them, kept for the next rxpk ({@link #clear}):
 * {@link #field} takes each field's value, {@link #toFrame} checks them and makes the frame. {@code time},
 * {@code datr} and {@code data} are decoded as they are read (their errors wait for their turn in {@link #toFrame}),
 * {@code modu} and {@code codr} are matched against their valid forms: none makes a String when it is valid. One
 * thread at a time (the bridge's event loop).
 */
final class RxpkFields {
    private static final String[] CODING_RATES = {"4/5", "4/6", "4/7", "4/8"};
    private static final String[] CODING_RATES_LI = {"4/5LI", "4/6LI", "4/7LI", "4/8LI"};

    private final boolean forwardCrcBad;
    private final boolean forwardCrcMissing;
    private final Base64Chars base64 = new Base64Chars();
    private final List<Rsig> rsigs = new ArrayList<>(2);
    private String badField;
    private Instant time;
    private final LongValue tmms = new LongValue();
    private final LongValue tmst = new LongValue();
    private final LongValue ftime = new LongValue();
    private final DoubleValue freq = new DoubleValue();
    private final IntValue chan = new IntValue();
    private final IntValue rfch = new IntValue();
    private final IntValue stat = new IntValue();
    /** {@code modu} as read: null when absent, else "LORA", "FSK" or the other text. */
    private String modu;
    private boolean hasDatrText;
    /** A LoRa {@code datr} read as a string, or null with {@link #datrProblem} saying why not. */
    private DataRate.LoRa loRaDatr;
    private String datrProblem;
    private final LongValue datrNumber = new LongValue();
    /** {@code codr} as read: null when absent; one of the valid forms, or the other text. */
    private String codr;
    private boolean codrValid;
    private final IntValue rssi = new IntValue();
    private final IntValue rssis = new IntValue();
    private final DoubleValue lsnr = new DoubleValue();
    private final IntValue foff = new IntValue();
    private final IntValue size = new IntValue();
    private boolean hasData;
    /** {@code data} decoded, or null with {@link #dataProblem} saying why not. */
    private byte[] payload;
    private String dataProblem;
    /** Whether an {@code rsig} array came (maybe empty), and how many of {@link #rsigs} it filled. */
    private boolean hasRsig;
    private int rsigCount;

    /**
     * @param forwardCrcBad whether frames whose PHY CRC failed are passed on ({@code gateway.udp.forward_crc_bad})
     * @param forwardCrcMissing whether frames without a PHY CRC are ({@code gateway.udp.forward_crc_missing})
     */
    RxpkFields(boolean forwardCrcBad, boolean forwardCrcMissing) {
        this.forwardCrcBad = forwardCrcBad;
        this.forwardCrcMissing = forwardCrcMissing;
    }

    /** Forgets the previous rxpk. */
    void clear() {
        badField = null;
        time = null;
        tmms.clear();
        tmst.clear();
        ftime.clear();
        freq.clear();
        chan.clear();
        rfch.clear();
        stat.clear();
        modu = null;
        hasDatrText = false;
        loRaDatr = null;
        datrProblem = null;
        datrNumber.clear();
        codr = null;
        codrValid = false;
        rssi.clear();
        rssis.clear();
        lsnr.clear();
        foff.clear();
        size.clear();
        hasData = false;
        payload = null;
        dataProblem = null;
        hasRsig = false;
        rsigCount = 0;
    }

    /**
     * One field of the rxpk, but {@code rsig} (see {@link #rsigStart}); unknown names are ignored. The reader skips
     * an array or object value itself.
     */
    void field(String name, JsonValue v) {
        switch (name) {
            case "time" -> {
                if (text(v, name)) {
                    time = UtcTimestamps.parse(v.text);
                }
            }
            case "tmms" -> integer(v, name, tmms);
            case "tmst" -> integer(v, name, tmst);
            case "ftime" -> integer(v, name, ftime);
            case "freq" -> number(v, name, freq);
            case "chan" -> smallInt(v, name, chan);
            case "rfch" -> smallInt(v, name, rfch);
            case "stat" -> smallInt(v, name, stat);
            case "modu" -> modu = text(v, name) ? modulation(v.text) : null;
            case "datr" -> {
                if (v.kind == JsonValue.Kind.STRING) {
                    hasDatrText = true;
                    loRaDatr = null;
                    datrProblem = null;
                    try {
                        loRaDatr = PushDataDecoder.loRaDataRate(v.text);
                    } catch (MalformedDatagramException e) {
                        datrProblem = e.getMessage();
                    }
                } else {
                    integer(v, name, datrNumber);
                }
            }
            case "codr" -> codr = text(v, name) ? codingRate(v.text) : null;
            case "rssi" -> signedInt(v, name, rssi);
            case "rssis" -> signedInt(v, name, rssis);
            case "lsnr" -> number(v, name, lsnr);
            case "foff" -> signedInt(v, name, foff);
            case "size" -> smallInt(v, name, size);
            case "data" -> {
                hasData = text(v, name);
                if (hasData) {
                    decodeData(v.text);
                }
            }
            default -> { }
        }
    }

    /** An {@code rsig} that is not an array. */
    void rsigNotAnArray() {
        bad("rsig");
        hasRsig = false;
    }

    /** An {@code rsig} array begins: it replaces any earlier one. */
    void rsigStart() {
        hasRsig = true;
        rsigCount = 0;
    }

    /** An entry of the {@code rsig} array that is not an object (the reader skips it). */
    void rsigEntryNotAnObject() {
        bad("rsig");
    }

    /** The next entry of the {@code rsig} array, for {@link #rsigField}. */
    Rsig rsigEntry() {
        if (rsigCount == rsigs.size()) {
            rsigs.add(new Rsig());
        }
        Rsig s = rsigs.get(rsigCount++);
        s.clear();
        return s;
    }

    /** One field of an {@code rsig} entry; unknown names are ignored. */
    void rsigField(Rsig s, String name, JsonValue v) {
        switch (name) {
            case "ant" -> smallInt(v, "rsig.ant", s.ant);
            case "chan" -> smallInt(v, "rsig.chan", s.chan);
            case "rssic" -> signedInt(v, "rsig.rssic", s.rssic);
            case "rssis" -> signedInt(v, "rsig.rssis", s.rssis);
            case "lsnr" -> number(v, "rsig.lsnr", s.lsnr);
            case "foff" -> signedInt(v, "rsig.foff", s.foff);
            case "ftime" -> integer(v, "rsig.ftime", s.ftime);
            default -> { }
        }
    }

    /**
     * The frame into {@code frames}, or why not into {@code rejected}.
     */
    void collect(Eui64 gateway, Instant receivedAt, List<UplinkFrame> frames, List<PushData.RejectedRxpk> rejected) {
        try {
            frames.add(toFrame(gateway, receivedAt));
        } catch (MalformedDatagramException e) {
            rejected.add(new PushData.RejectedRxpk(e.reason(), e.getMessage()));
        }
    }

    private static String modulation(JsonValue.TextView text) {
        if (text.is("LORA")) {
            return "LORA";
        }
        return text.is("FSK") ? "FSK" : text.toString();
    }

    /** 4/5..4/8, with "LI" for long interleaving (SX1302 and LoRa 2.4 GHz); "OFF" when no FEC. */
    private String codingRate(JsonValue.TextView text) {
        int length = text.length();
        codrValid = true;
        if (text.is("OFF")) {
            return "OFF";
        }
        if (length >= 3 && text.charAt(0) == '4' && text.charAt(1) == '/' && text.charAt(2) >= '5'
                && text.charAt(2) <= '8') {
            int rate = text.charAt(2) - '5';
            if (length == 3) {
                return CODING_RATES[rate];
            }
            if (length == 5 && text.charAt(3) == 'L' && text.charAt(4) == 'I') {
                return CODING_RATES_LI[rate];
            }
        }
        codrValid = false;
        return text.toString();
    }

    private void decodeData(JsonValue.TextView text) {
        payload = null;
        dataProblem = null;
        try {
            payload = base64.decode(text.chars, text.offset, text.length);
        } catch (IllegalArgumentException e) {
            dataProblem = e.getMessage();
        }
    }

    private boolean text(JsonValue v, String name) {
        if (v.kind != JsonValue.Kind.STRING) {
            bad(name);
            return false;
        }
        return true;
    }

    /** A non-negative integer of at most 64 bits. */
    private void integer(JsonValue v, String name, LongValue into) {
        if (v.kind == JsonValue.Kind.INTEGER && v.fitsLong && v.integer >= 0) {
            into.set(v.integer);
        } else {
            bad(name);
            into.clear();
        }
    }

    private void smallInt(JsonValue v, String name, IntValue into) {
        if (v.kind == JsonValue.Kind.INTEGER && v.fitsInt) {
            into.set((int) v.integer);
        } else {
            bad(name);
            into.clear();
        }
    }

    /** RSSI and offsets: integers, though some forwarders write them with a fraction. */
    private void signedInt(JsonValue v, String name, IntValue into) {
        if (v.kind == JsonValue.Kind.INTEGER && v.fitsInt) {
            into.set((int) v.integer);
        } else if (v.kind == JsonValue.Kind.DECIMAL && Math.abs(v.decimal) < 1e6) {
            into.set((int) Math.round(v.decimal));
        } else {
            bad(name);
            into.clear();
        }
    }

    private void number(JsonValue v, String name, DoubleValue into) {
        if ((v.kind == JsonValue.Kind.DECIMAL || v.kind == JsonValue.Kind.INTEGER) && Double.isFinite(v.decimal)) {
            into.set(v.decimal);
        } else {
            bad(name);
            into.clear();
        }
    }

    /** Remembers the first bad field: the rxpk is rejected naming it. */
    private void bad(String name) {
        if (badField == null) {
            badField = name;
        }
    }

    private UplinkFrame toFrame(Eui64 gateway, Instant receivedAt) throws MalformedDatagramException {
        if (badField != null) {
            throw new MalformedDatagramException(DropReason.BAD_FIELD, "rxpk field " + badField + " has a wrong type or range");
        }
        if (!tmst.present || !freq.present || modu == null || !hasData || (!hasDatrText && !datrNumber.present)) {
            throw new MalformedDatagramException(DropReason.MISSING_FIELD, "rxpk lacks one of tmst, freq, modu, datr, data");
        }
        CrcStatus crc = switch (stat.or(1)) {
            case 1 -> CrcStatus.OK;
            case -1 -> CrcStatus.BAD;
            case 0 -> CrcStatus.MISSING;
            default -> throw new MalformedDatagramException(DropReason.BAD_FIELD, "rxpk stat " + stat.value);
        };
        if (crc == CrcStatus.BAD && !forwardCrcBad) {
            throw new MalformedDatagramException(DropReason.CRC_BAD, "PHY CRC failed");
        }
        if (crc == CrcStatus.MISSING && !forwardCrcMissing) {
            throw new MalformedDatagramException(DropReason.CRC_MISSING, "frame has no PHY CRC");
        }
        if (tmst.value > 0xFFFFFFFFL) {
            throw new MalformedDatagramException(DropReason.BAD_FIELD, "tmst " + tmst.value + " is not a 32-bit counter");
        }
        if (freq.value <= 0 || freq.value > 10_000) {
            throw new MalformedDatagramException(DropReason.BAD_FIELD, "freq " + freq.value + " MHz");
        }
        if (payload == null) {
            throw new MalformedDatagramException(DropReason.INVALID_BASE64, "rxpk data: " + dataProblem);
        }
        if (payload.length == 0 || payload.length > 255) {
            throw new MalformedDatagramException(DropReason.BAD_FIELD, "payload of " + payload.length + " bytes");
        }
        if (size.present && size.value != payload.length) {
            throw new MalformedDatagramException(DropReason.SIZE_MISMATCH,
                    "size says " + size.value + " bytes, data has " + payload.length);
        }
        DataRate dataRate = dataRate();
        String codingRate = codingRate(dataRate);
        Long gpsTime = tmms.boxed();
        long frequencyHz = Math.round(freq.value * 1_000_000);
        // The payload was decoded for this frame alone: the frame keeps it.
        if (!hasRsig || rsigCount == 0) {
            return UplinkFrame.ofDecoded(payload, frequencyHz, dataRate, codingRate, crc, new RxInfo(gateway,
                    tmst.value, time, gpsTime, ftime.boxed(), chan.or(0), rfch.or(0), 0, rssi.or(0), rssis.boxed(),
                    lsnr.boxed(), foff.boxed(), receivedAt));
        }
        RxInfo[] antennas = new RxInfo[rsigCount];
        for (int i = 0; i < rsigCount; i++) {
            Rsig s = rsigs.get(i);
            antennas[i] = new RxInfo(gateway, tmst.value, time, gpsTime,
                    s.ftime.present ? s.ftime.boxed() : ftime.boxed(), s.chan.or(chan.or(0)), rfch.or(0),
                    s.ant.or(0), s.rssic.or(rssi.or(0)), s.rssis.boxed(), s.lsnr.boxed(), s.foff.boxed(),
                    receivedAt);
        }
        return UplinkFrame.ofDecoded(payload, frequencyHz, dataRate, codingRate, crc, List.of(antennas));
    }

    private DataRate dataRate() throws MalformedDatagramException {
        switch (modu) {
            case "LORA" -> {
                if (!hasDatrText) {
                    throw new MalformedDatagramException(DropReason.BAD_FIELD, "LoRa datr must be a string like SF7BW125");
                }
                if (loRaDatr == null) {
                    throw new MalformedDatagramException(DropReason.BAD_FIELD, datrProblem);
                }
                return loRaDatr;
            }
            case "FSK" -> {
                if (!datrNumber.present || datrNumber.value <= 0 || datrNumber.value > 1_000_000) {
                    throw new MalformedDatagramException(DropReason.BAD_FIELD, "FSK datr must be a bit rate");
                }
                return new DataRate.Fsk((int) datrNumber.value);
            }
            default -> throw new MalformedDatagramException(DropReason.BAD_FIELD, "modu '" + modu + "'");
        }
    }

    private String codingRate(DataRate dataRate) throws MalformedDatagramException {
        if (dataRate instanceof DataRate.Fsk) {
            return null;
        }
        if (codr == null) {
            throw new MalformedDatagramException(DropReason.MISSING_FIELD, "LoRa rxpk lacks codr");
        }
        if (!codrValid) {
            throw new MalformedDatagramException(DropReason.BAD_FIELD, "codr '" + codr + "'");
        }
        return codr;
    }

    /** One antenna's view of a packet in a v2 {@code rsig} array, kept for the next. */
    static final class Rsig {
        private final IntValue ant = new IntValue();
        private final IntValue chan = new IntValue();
        private final IntValue rssic = new IntValue();
        private final IntValue rssis = new IntValue();
        private final DoubleValue lsnr = new DoubleValue();
        private final IntValue foff = new IntValue();
        private final LongValue ftime = new LongValue();

        void clear() {
            ant.clear();
            chan.clear();
            rssic.clear();
            rssis.clear();
            lsnr.clear();
            foff.clear();
            ftime.clear();
        }
    }

    /** An optional integer field as read. */
    private static final class IntValue {
        private boolean present;
        private int value;

        void set(int read) {
            present = true;
            value = read;
        }

        void clear() {
            present = false;
        }

        int or(int fallback) {
            return present ? value : fallback;
        }

        Integer boxed() {
            return present ? value : null;
        }
    }

    /** An optional 64-bit integer field as read. */
    private static final class LongValue {
        private boolean present;
        private long value;

        void set(long read) {
            present = true;
            value = read;
        }

        void clear() {
            present = false;
        }

        Long boxed() {
            return present ? value : null;
        }
    }

    /** An optional decimal field as read. */
    private static final class DoubleValue {
        /**
         * The boxes of every value from -50.0 to 50.0 in steps of 0.1, made once: forwarders write the SNR with one
         * decimal (the concentrator measures it in 0.25 dB steps), so a frame's {@code lsnr} is one of them.
         */
        private static final int TENTHS = 500;
        private static final Double[] BOXED_TENTHS = new Double[2 * TENTHS + 1];

        static {
            for (int i = 0; i < BOXED_TENTHS.length; i++) {
                BOXED_TENTHS[i] = (i - TENTHS) / 10.0;
            }
        }

        private boolean present;
        private double value;

        void set(double read) {
            present = true;
            value = read;
        }

        void clear() {
            present = false;
        }

        /** The value boxed; one of {@link #BOXED_TENTHS} when it is exactly that value (-0.0 is not 0.0). */
        Double boxed() {
            if (!present) {
                return null;
            }
            long tenths = Math.round(value * 10);
            // A signed range: Math.abs(Long.MIN_VALUE), where a huge value's tenths saturate, is negative.
            if (tenths >= -TENTHS && tenths <= TENTHS && Double.compare(tenths / 10.0, value) == 0) {
                return BOXED_TENTHS[(int) tenths + TENTHS];
            }
            return value;
        }
    }
}
