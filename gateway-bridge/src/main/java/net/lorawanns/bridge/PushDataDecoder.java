package net.lorawanns.bridge;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.CharConversionException;
import java.io.IOException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.lorawanns.core.gateway.CrcStatus;
import net.lorawanns.core.gateway.GatewayStats;
import net.lorawanns.core.gateway.RxInfo;
import net.lorawanns.core.gateway.UplinkFrame;
import net.lorawanns.core.region.DataRate;
import net.lorawanns.core.types.Eui64;

/**
 * Decodes the JSON of a PUSH_DATA (PROTOCOL.TXT section 4) in one streaming pass: every {@code rxpk} of both
 * forwarder generations, v2 {@code rsig} per-antenna signals, and the {@code stat} report. A bad rxpk is
 * rejected with its reason while its siblings are still decoded; unknown fields are skipped.
 */
final class PushDataDecoder {
    /**
     * The fast double parser reads {@code freq} and {@code lsnr} from the parser's characters, where the default one
     * makes a String of each first; both round correctly, so the values are the same.
     */
    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();
    /** Status report times look like {@code 2014-01-12 08:59:28 GMT} (packet_forwarder) or {@code ... UTC} (sx1302_hal). */
    private static final DateTimeFormatter STAT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z", Locale.ROOT);

    private final boolean forwardCrcBad;
    private final boolean forwardCrcMissing;
    private final Rxpk rxpk = new Rxpk();
    private final List<UplinkFrame> frames = new ArrayList<>(2);
    private final List<PushData.RejectedRxpk> rejected = new ArrayList<>(2);

    PushDataDecoder(boolean forwardCrcBad, boolean forwardCrcMissing) {
        this.forwardCrcBad = forwardCrcBad;
        this.forwardCrcMissing = forwardCrcMissing;
    }

    /**
     * Decodes one PUSH_DATA's JSON. The holders it reads into are kept for the next datagram: one thread at a time
     * (the bridge's event loop).
     */
    PushData decode(Eui64 gateway, byte[] datagram, int offset, int length, Instant receivedAt)
            throws MalformedDatagramException {
        GatewayStats stats = null;
        try (JsonParser p = JSON.createParser(datagram, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedDatagramException(DropReason.INVALID_JSON, "PUSH_DATA JSON is not an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("rxpk".equals(name) && value == JsonToken.START_ARRAY) {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        if (p.currentToken() != JsonToken.START_OBJECT) {
                            rejected.add(new PushData.RejectedRxpk(DropReason.BAD_FIELD, "rxpk entry is not an object"));
                            p.skipChildren();
                            continue;
                        }
                        rxpk.read(p);
                        try {
                            frames.add(rxpk.toFrame(gateway, receivedAt, forwardCrcBad, forwardCrcMissing));
                        } catch (MalformedDatagramException e) {
                            rejected.add(new PushData.RejectedRxpk(e.reason(), e.getMessage()));
                        }
                    }
                } else if ("stat".equals(name) && value == JsonToken.START_OBJECT) {
                    stats = readStat(p, gateway);
                } else if ("rxpk".equals(name) || "stat".equals(name)) {
                    throw new MalformedDatagramException(DropReason.INVALID_JSON, name + " has the wrong JSON type");
                } else {
                    p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new MalformedDatagramException(DropReason.INVALID_JSON, "content after the JSON object");
            }
            return new PushData(List.copyOf(frames), List.copyOf(rejected), stats);
        } catch (CharConversionException e) {
            throw new MalformedDatagramException(DropReason.INVALID_UTF8, e.getMessage());
        } catch (JsonProcessingException e) {
            throw new MalformedDatagramException(isUtf8Problem(e) ? DropReason.INVALID_UTF8 : DropReason.INVALID_JSON,
                    e.getOriginalMessage());
        } catch (IOException e) {
            throw new MalformedDatagramException(DropReason.INVALID_JSON, e.getMessage());
        } finally {
            frames.clear();
            rejected.clear();
        }
    }

    private static boolean isUtf8Problem(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        return message != null && message.contains("UTF-8");
    }

    private static GatewayStats readStat(JsonParser p, Eui64 gateway) throws IOException {
        Instant time = null;
        Double lati = null;
        Double longi = null;
        Integer alti = null;
        Long rxnb = null;
        Long rxok = null;
        Long rxfw = null;
        Double ackr = null;
        Long dwnb = null;
        Long txnb = null;
        Double temp = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken token = p.nextToken();
            switch (name) {
                case "time" -> time = token == JsonToken.VALUE_STRING ? statTime(p.getText()) : null;
                case "lati" -> lati = decimal(p, token);
                case "long" -> longi = decimal(p, token);
                case "alti" -> alti = token == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : null;
                case "rxnb" -> rxnb = count(p, token);
                case "rxok" -> rxok = count(p, token);
                case "rxfw" -> rxfw = count(p, token);
                case "ackr" -> ackr = decimal(p, token);
                case "dwnb" -> dwnb = count(p, token);
                case "txnb" -> txnb = count(p, token);
                case "temp" -> temp = decimal(p, token);
                default -> p.skipChildren();
            }
        }
        return new GatewayStats(gateway, time, lati, longi, alti, rxnb, rxok, rxfw, ackr, dwnb, txnb, temp);
    }

    private static Instant statTime(String text) {
        try {
            return ZonedDateTime.parse(text, STAT_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static Double decimal(JsonParser p, JsonToken token) throws IOException {
        return token == JsonToken.VALUE_NUMBER_FLOAT || token == JsonToken.VALUE_NUMBER_INT ? p.getDoubleValue() : null;
    }

    private static Long count(JsonParser p, JsonToken token) throws IOException {
        return token == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : null;
    }

    /**
     * The fields of one rxpk as read, kept for the next rxpk ({@link #clear}); {@link #toFrame} checks them. Text
     * fields are read from the parser's characters: {@code time}, {@code datr} and {@code data} are decoded as they
     * are read (their errors wait for their turn in {@link #toFrame}), {@code modu} and {@code codr} are matched.
     */
    private static final class Rxpk {
        private static final String[] CODING_RATES = {"4/5", "4/6", "4/7", "4/8"};
        private static final String[] CODING_RATES_LI = {"4/5LI", "4/6LI", "4/7LI", "4/8LI"};

        private final TextView view = new TextView();
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

        void read(JsonParser p) throws IOException {
            clear();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "time" -> {
                        if (text(p, t, name)) {
                            time = UtcTimestamps.parse(view);
                        }
                    }
                    case "tmms" -> integer(p, t, name, tmms);
                    case "tmst" -> integer(p, t, name, tmst);
                    case "ftime" -> integer(p, t, name, ftime);
                    case "freq" -> number(p, t, name, freq);
                    case "chan" -> smallInt(p, t, name, chan);
                    case "rfch" -> smallInt(p, t, name, rfch);
                    case "stat" -> smallInt(p, t, name, stat);
                    case "modu" -> modu = text(p, t, name) ? modulation() : null;
                    case "datr" -> {
                        if (t == JsonToken.VALUE_STRING) {
                            text(p, t, name);
                            hasDatrText = true;
                            loRaDatr = null;
                            datrProblem = null;
                            try {
                                loRaDatr = loRaDataRate(view);
                            } catch (MalformedDatagramException e) {
                                datrProblem = e.getMessage();
                            }
                        } else {
                            integer(p, t, name, datrNumber);
                        }
                    }
                    case "codr" -> codr = text(p, t, name) ? codingRateText() : null;
                    case "rssi" -> signedInt(p, t, name, rssi);
                    case "rssis" -> signedInt(p, t, name, rssis);
                    case "lsnr" -> number(p, t, name, lsnr);
                    case "foff" -> signedInt(p, t, name, foff);
                    case "size" -> smallInt(p, t, name, size);
                    case "data" -> {
                        hasData = text(p, t, name);
                        if (hasData) {
                            decodeData(p);
                        }
                    }
                    case "rsig" -> readRsig(p, t);
                    default -> p.skipChildren();
                }
            }
        }

        private void clear() {
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

        private String modulation() {
            if (view.is("LORA")) {
                return "LORA";
            }
            return view.is("FSK") ? "FSK" : view.toString();
        }

        /** 4/5..4/8, with "LI" for long interleaving (SX1302 and LoRa 2.4 GHz); "OFF" when no FEC. */
        private String codingRateText() {
            int length = view.length();
            codrValid = true;
            if (view.is("OFF")) {
                return "OFF";
            }
            if (length >= 3 && view.charAt(0) == '4' && view.charAt(1) == '/' && view.charAt(2) >= '5'
                    && view.charAt(2) <= '8') {
                int rate = view.charAt(2) - '5';
                if (length == 3) {
                    return CODING_RATES[rate];
                }
                if (length == 5 && view.charAt(3) == 'L' && view.charAt(4) == 'I') {
                    return CODING_RATES_LI[rate];
                }
            }
            codrValid = false;
            return view.toString();
        }

        private void decodeData(JsonParser p) throws IOException {
            payload = null;
            dataProblem = null;
            try {
                payload = base64.decode(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            } catch (IllegalArgumentException e) {
                dataProblem = e.getMessage();
            }
        }

        private void readRsig(JsonParser p, JsonToken t) throws IOException {
            if (t != JsonToken.START_ARRAY) {
                bad("rsig", p);
                hasRsig = false;
                return;
            }
            hasRsig = true;
            rsigCount = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (p.currentToken() != JsonToken.START_OBJECT) {
                    bad("rsig", p);
                    continue;
                }
                if (rsigCount == rsigs.size()) {
                    rsigs.add(new Rsig());
                }
                Rsig s = rsigs.get(rsigCount++);
                s.clear();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    switch (name) {
                        case "ant" -> smallInt(p, v, "rsig.ant", s.ant);
                        case "chan" -> smallInt(p, v, "rsig.chan", s.chan);
                        case "rssic" -> signedInt(p, v, "rsig.rssic", s.rssic);
                        case "rssis" -> signedInt(p, v, "rsig.rssis", s.rssis);
                        case "lsnr" -> number(p, v, "rsig.lsnr", s.lsnr);
                        case "foff" -> signedInt(p, v, "rsig.foff", s.foff);
                        case "ftime" -> integer(p, v, "rsig.ftime", s.ftime);
                        default -> p.skipChildren();
                    }
                }
            }
        }

        /** A string, then in {@link #view}. */
        private boolean text(JsonParser p, JsonToken t, String name) throws IOException {
            if (t != JsonToken.VALUE_STRING) {
                bad(name, p);
                return false;
            }
            view.of(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            return true;
        }

        /** A non-negative integer of at most 64 bits. */
        private void integer(JsonParser p, JsonToken t, String name, LongValue into) throws IOException {
            if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    || p.getLongValue() < 0) {
                bad(name, p);
                into.clear();
            } else {
                into.set(p.getLongValue());
            }
        }

        private void smallInt(JsonParser p, JsonToken t, String name, IntValue into) throws IOException {
            if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                bad(name, p);
                into.clear();
            } else {
                into.set(p.getIntValue());
            }
        }

        /** RSSI and offsets: integers, though some forwarders write them with a fraction. */
        private void signedInt(JsonParser p, JsonToken t, String name, IntValue into) throws IOException {
            if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
                into.set(p.getIntValue());
            } else if (t == JsonToken.VALUE_NUMBER_FLOAT && Math.abs(p.getDoubleValue()) < 1e6) {
                into.set((int) Math.round(p.getDoubleValue()));
            } else {
                bad(name, p);
                into.clear();
            }
        }

        private void number(JsonParser p, JsonToken t, String name, DoubleValue into) throws IOException {
            if ((t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT)
                    && Double.isFinite(p.getDoubleValue())) {
                into.set(p.getDoubleValue());
            } else {
                bad(name, p);
                into.clear();
            }
        }

        /** Remembers the first bad field (the rxpk is rejected naming it) and skips its value. */
        private void bad(String name, JsonParser p) throws IOException {
            if (badField == null) {
                badField = name;
            }
            p.skipChildren();
        }

        UplinkFrame toFrame(Eui64 gateway, Instant receivedAt, boolean forwardCrcBad, boolean forwardCrcMissing)
                throws MalformedDatagramException {
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
            List<RxInfo> rxInfo;
            if (!hasRsig || rsigCount == 0) {
                rxInfo = List.of(new RxInfo(gateway, tmst.value, time, gpsTime, ftime.boxed(), chan.or(0), rfch.or(0),
                        0, rssi.or(0), rssis.boxed(), lsnr.boxed(), foff.boxed(), receivedAt));
            } else {
                RxInfo[] antennas = new RxInfo[rsigCount];
                for (int i = 0; i < rsigCount; i++) {
                    Rsig s = rsigs.get(i);
                    antennas[i] = new RxInfo(gateway, tmst.value, time, gpsTime,
                            s.ftime.present ? s.ftime.boxed() : ftime.boxed(), s.chan.or(chan.or(0)), rfch.or(0),
                            s.ant.or(0), s.rssic.or(rssi.or(0)), s.rssis.boxed(), s.lsnr.boxed(), s.foff.boxed(),
                            receivedAt);
                }
                rxInfo = List.of(antennas);
            }
            // The payload was decoded for this frame alone: the frame keeps it.
            return UplinkFrame.ofDecoded(payload, Math.round(freq.value * 1_000_000), dataRate, codingRate, crc,
                    rxInfo);
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
    }

    /** The LoRa data rates, made once: [spreading factor 5-12][bandwidth, in the order of {@link #bandwidthHz}]. */
    private static final DataRate.LoRa[][] LORA_RATES = new DataRate.LoRa[13][6];

    static {
        int[] bandwidths = {125_000, 250_000, 500_000, 203_125, 406_250, 812_500};
        for (int sf = 5; sf <= 12; sf++) {
            for (int b = 0; b < bandwidths.length; b++) {
                LORA_RATES[sf][b] = new DataRate.LoRa(sf, bandwidths[b]);
            }
        }
    }

    /** {@code SF7BW125}: spreading factor and bandwidth in kHz. */
    static DataRate.LoRa loRaDataRate(CharSequence datr) throws MalformedDatagramException {
        int bw = indexOfBw(datr);
        if (datr.length() < 2 || datr.charAt(0) != 'S' || datr.charAt(1) != 'F' || bw < 3 || bw + 2 >= datr.length()) {
            throw new MalformedDatagramException(DropReason.BAD_FIELD, "LoRa datr '" + datr + "'");
        }
        try {
            int sf = Integer.parseInt(datr, 2, bw, 10);
            int khz = Integer.parseInt(datr, bw + 2, datr.length(), 10);
            // The 2.4 GHz bandwidths 203.125, 406.25 and 812.5 kHz are written without their fraction.
            int bandwidth = switch (khz) {
                case 125 -> 0;
                case 250 -> 1;
                case 500 -> 2;
                case 203 -> 3;
                case 406 -> 4;
                case 812 -> 5;
                default -> -1;
            };
            if (sf < 5 || sf > 12 || bandwidth < 0) {
                throw new MalformedDatagramException(DropReason.BAD_FIELD, "LoRa datr '" + datr + "'");
            }
            return LORA_RATES[sf][bandwidth];
        } catch (NumberFormatException e) {
            throw new MalformedDatagramException(DropReason.BAD_FIELD, "LoRa datr '" + datr + "'");
        }
    }

    /** Where the first "BW" starts, or -1. */
    private static int indexOfBw(CharSequence datr) {
        for (int i = 0; i + 1 < datr.length(); i++) {
            if (datr.charAt(i) == 'B' && datr.charAt(i + 1) == 'W') {
                return i;
            }
        }
        return -1;
    }

    /** One antenna's view of a packet in a v2 {@code rsig} array, kept for the next. */
    private static final class Rsig {
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
        private boolean present;
        private double value;

        void set(double read) {
            present = true;
            value = read;
        }

        void clear() {
            present = false;
        }

        Double boxed() {
            return present ? value : null;
        }
    }

    /**
     * A string value in the parser's characters, valid until the parser moves on; {@link #toString} copies it (for
     * an error's message).
     */
    private static final class TextView implements CharSequence {
        private char[] chars;
        private int offset;
        private int length;

        void of(char[] text, int start, int count) {
            this.chars = text;
            this.offset = start;
            this.length = count;
        }

        boolean is(String text) {
            if (text.length() != length) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                if (chars[offset + i] != text.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            return chars[offset + index];
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new String(chars, offset + start, end - start);
        }

        @Override
        public String toString() {
            return new String(chars, offset, length);
        }
    }
}
