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
import java.util.Base64;
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

    PushDataDecoder(boolean forwardCrcBad, boolean forwardCrcMissing) {
        this.forwardCrcBad = forwardCrcBad;
        this.forwardCrcMissing = forwardCrcMissing;
    }

    PushData decode(Eui64 gateway, byte[] datagram, int offset, int length, Instant receivedAt)
            throws MalformedDatagramException {
        List<UplinkFrame> frames = new ArrayList<>(2);
        List<PushData.RejectedRxpk> rejected = new ArrayList<>(0);
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
                        Rxpk rxpk = Rxpk.read(p);
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
        } catch (CharConversionException e) {
            throw new MalformedDatagramException(DropReason.INVALID_UTF8, e.getMessage());
        } catch (JsonProcessingException e) {
            throw new MalformedDatagramException(isUtf8Problem(e) ? DropReason.INVALID_UTF8 : DropReason.INVALID_JSON,
                    e.getOriginalMessage());
        } catch (IOException e) {
            throw new MalformedDatagramException(DropReason.INVALID_JSON, e.getMessage());
        }
        return new PushData(frames, rejected, stats);
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

    /** The fields of one rxpk as read; {@link #toFrame} checks them. */
    private static final class Rxpk {
        private String badField;
        private String time;
        private Long tmms;
        private Long tmst;
        private Long ftime;
        private Double freq;
        private Integer chan;
        private Integer rfch;
        private Integer stat;
        private String modu;
        private String datrText;
        private Long datrNumber;
        private String codr;
        private Integer rssi;
        private Integer rssis;
        private Double lsnr;
        private Integer foff;
        private Integer size;
        private String data;
        private List<Rsig> rsig;

        static Rxpk read(JsonParser p) throws IOException {
            Rxpk r = new Rxpk();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "time" -> r.time = r.text(p, t, name);
                    case "tmms" -> r.tmms = r.integer(p, t, name);
                    case "tmst" -> r.tmst = r.integer(p, t, name);
                    case "ftime" -> r.ftime = r.integer(p, t, name);
                    case "freq" -> r.freq = r.number(p, t, name);
                    case "chan" -> r.chan = r.smallInt(p, t, name);
                    case "rfch" -> r.rfch = r.smallInt(p, t, name);
                    case "stat" -> r.stat = r.smallInt(p, t, name);
                    case "modu" -> r.modu = r.text(p, t, name);
                    case "datr" -> {
                        if (t == JsonToken.VALUE_STRING) {
                            r.datrText = p.getText();
                        } else {
                            r.datrNumber = r.integer(p, t, name);
                        }
                    }
                    case "codr" -> r.codr = r.text(p, t, name);
                    case "rssi" -> r.rssi = r.signedInt(p, t, name);
                    case "rssis" -> r.rssis = r.signedInt(p, t, name);
                    case "lsnr" -> r.lsnr = r.number(p, t, name);
                    case "foff" -> r.foff = r.signedInt(p, t, name);
                    case "size" -> r.size = r.smallInt(p, t, name);
                    case "data" -> r.data = r.text(p, t, name);
                    case "rsig" -> r.rsig = r.readRsig(p, t);
                    default -> p.skipChildren();
                }
            }
            return r;
        }

        private List<Rsig> readRsig(JsonParser p, JsonToken t) throws IOException {
            if (t != JsonToken.START_ARRAY) {
                bad("rsig", p);
                return null;
            }
            List<Rsig> out = new ArrayList<>(2);
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (p.currentToken() != JsonToken.START_OBJECT) {
                    bad("rsig", p);
                    continue;
                }
                Rsig s = new Rsig();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    switch (name) {
                        case "ant" -> s.ant = smallInt(p, v, "rsig.ant");
                        case "chan" -> s.chan = smallInt(p, v, "rsig.chan");
                        case "rssic" -> s.rssic = signedInt(p, v, "rsig.rssic");
                        case "rssis" -> s.rssis = signedInt(p, v, "rsig.rssis");
                        case "lsnr" -> s.lsnr = number(p, v, "rsig.lsnr");
                        case "foff" -> s.foff = signedInt(p, v, "rsig.foff");
                        case "ftime" -> s.ftime = integer(p, v, "rsig.ftime");
                        default -> p.skipChildren();
                    }
                }
                out.add(s);
            }
            return out;
        }

        private String text(JsonParser p, JsonToken t, String name) throws IOException {
            if (t != JsonToken.VALUE_STRING) {
                return bad(name, p);
            }
            return p.getText();
        }

        private Long integer(JsonParser p, JsonToken t, String name) throws IOException {
            if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    || p.getLongValue() < 0) {
                return bad(name, p);
            }
            return p.getLongValue();
        }

        private Integer smallInt(JsonParser p, JsonToken t, String name) throws IOException {
            if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                return bad(name, p);
            }
            return p.getIntValue();
        }

        /** RSSI and offsets: integers, though some forwarders write them with a fraction. */
        private Integer signedInt(JsonParser p, JsonToken t, String name) throws IOException {
            if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
                return p.getIntValue();
            }
            if (t == JsonToken.VALUE_NUMBER_FLOAT && Math.abs(p.getDoubleValue()) < 1e6) {
                return (int) Math.round(p.getDoubleValue());
            }
            return bad(name, p);
        }

        private Double number(JsonParser p, JsonToken t, String name) throws IOException {
            if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                return bad(name, p);
            }
            double value = p.getDoubleValue();
            return Double.isFinite(value) ? value : bad(name, p);
        }

        private <T> T bad(String name, JsonParser p) throws IOException {
            if (badField == null) {
                badField = name;
            }
            p.skipChildren();
            return null;
        }

        UplinkFrame toFrame(Eui64 gateway, Instant receivedAt, boolean forwardCrcBad, boolean forwardCrcMissing)
                throws MalformedDatagramException {
            if (badField != null) {
                throw new MalformedDatagramException(DropReason.BAD_FIELD, "rxpk field " + badField + " has a wrong type or range");
            }
            if (tmst == null || freq == null || modu == null || data == null || (datrText == null && datrNumber == null)) {
                throw new MalformedDatagramException(DropReason.MISSING_FIELD, "rxpk lacks one of tmst, freq, modu, datr, data");
            }
            CrcStatus crc = switch (stat == null ? 1 : stat) {
                case 1 -> CrcStatus.OK;
                case -1 -> CrcStatus.BAD;
                case 0 -> CrcStatus.MISSING;
                default -> throw new MalformedDatagramException(DropReason.BAD_FIELD, "rxpk stat " + stat);
            };
            if (crc == CrcStatus.BAD && !forwardCrcBad) {
                throw new MalformedDatagramException(DropReason.CRC_BAD, "PHY CRC failed");
            }
            if (crc == CrcStatus.MISSING && !forwardCrcMissing) {
                throw new MalformedDatagramException(DropReason.CRC_MISSING, "frame has no PHY CRC");
            }
            if (tmst > 0xFFFFFFFFL) {
                throw new MalformedDatagramException(DropReason.BAD_FIELD, "tmst " + tmst + " is not a 32-bit counter");
            }
            if (freq <= 0 || freq > 10_000) {
                throw new MalformedDatagramException(DropReason.BAD_FIELD, "freq " + freq + " MHz");
            }
            byte[] payload;
            try {
                payload = Base64.getDecoder().decode(data);
            } catch (IllegalArgumentException e) {
                throw new MalformedDatagramException(DropReason.INVALID_BASE64, "rxpk data: " + e.getMessage());
            }
            if (payload.length == 0 || payload.length > 255) {
                throw new MalformedDatagramException(DropReason.BAD_FIELD, "payload of " + payload.length + " bytes");
            }
            if (size != null && size != payload.length) {
                throw new MalformedDatagramException(DropReason.SIZE_MISMATCH,
                        "size says " + size + " bytes, data has " + payload.length);
            }
            DataRate dataRate = dataRate();
            String codingRate = codingRate(dataRate);
            Instant rxTime = time == null ? null : UtcTimestamps.parse(time);
            List<RxInfo> rxInfo;
            if (rsig == null || rsig.isEmpty()) {
                rxInfo = List.of(new RxInfo(gateway, tmst, rxTime, tmms, ftime, or(chan, 0), or(rfch, 0), 0,
                        or(rssi, 0), rssis, lsnr, foff, receivedAt));
            } else {
                rxInfo = new ArrayList<>(rsig.size());
                for (Rsig s : rsig) {
                    rxInfo.add(new RxInfo(gateway, tmst, rxTime, tmms, s.ftime != null ? s.ftime : ftime,
                            or(s.chan, or(chan, 0)), or(rfch, 0), or(s.ant, 0), or(s.rssic, or(rssi, 0)),
                            s.rssis, s.lsnr, s.foff, receivedAt));
                }
            }
            return new UplinkFrame(payload, Math.round(freq * 1_000_000), dataRate, codingRate, crc, rxInfo);
        }

        private DataRate dataRate() throws MalformedDatagramException {
            switch (modu) {
                case "LORA" -> {
                    if (datrText == null) {
                        throw new MalformedDatagramException(DropReason.BAD_FIELD, "LoRa datr must be a string like SF7BW125");
                    }
                    return loRaDataRate(datrText);
                }
                case "FSK" -> {
                    if (datrNumber == null || datrNumber <= 0 || datrNumber > 1_000_000) {
                        throw new MalformedDatagramException(DropReason.BAD_FIELD, "FSK datr must be a bit rate");
                    }
                    return new DataRate.Fsk(datrNumber.intValue());
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
            // 4/5..4/8, with "LI" for long interleaving (SX1302 and LoRa 2.4 GHz); "OFF" when no FEC.
            boolean valid = codr.equals("OFF") || (codr.length() >= 3 && codr.startsWith("4/")
                    && codr.charAt(2) >= '5' && codr.charAt(2) <= '8'
                    && (codr.length() == 3 || codr.substring(3).equals("LI")));
            if (!valid) {
                throw new MalformedDatagramException(DropReason.BAD_FIELD, "codr '" + codr + "'");
            }
            return codr;
        }

        private static int or(Integer value, int fallback) {
            return value != null ? value : fallback;
        }
    }

    /** {@code SF7BW125}: spreading factor and bandwidth in kHz. */
    static DataRate.LoRa loRaDataRate(String datr) throws MalformedDatagramException {
        int bw = datr.indexOf("BW");
        if (!datr.startsWith("SF") || bw < 3 || bw + 2 >= datr.length()) {
            throw new MalformedDatagramException(DropReason.BAD_FIELD, "LoRa datr '" + datr + "'");
        }
        try {
            int sf = Integer.parseInt(datr, 2, bw, 10);
            int khz = Integer.parseInt(datr, bw + 2, datr.length(), 10);
            // The 2.4 GHz bandwidths 203.125, 406.25 and 812.5 kHz are written without their fraction.
            int hz = switch (khz) {
                case 125, 250, 500 -> khz * 1000;
                case 203 -> 203_125;
                case 406 -> 406_250;
                case 812 -> 812_500;
                default -> -1;
            };
            if (sf < 5 || sf > 12 || hz < 0) {
                throw new MalformedDatagramException(DropReason.BAD_FIELD, "LoRa datr '" + datr + "'");
            }
            return new DataRate.LoRa(sf, hz);
        } catch (NumberFormatException e) {
            throw new MalformedDatagramException(DropReason.BAD_FIELD, "LoRa datr '" + datr + "'");
        }
    }

    /** One antenna's view of a packet in a v2 {@code rsig} array. */
    private static final class Rsig {
        private Integer ant;
        private Integer chan;
        private Integer rssic;
        private Integer rssis;
        private Double lsnr;
        private Integer foff;
        private Long ftime;
    }
}
