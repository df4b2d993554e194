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
import net.lorawanns.core.gateway.GatewayStats;
import net.lorawanns.core.gateway.UplinkFrame;
import net.lorawanns.core.region.DataRate;
import net.lorawanns.core.types.Eui64;

/**
 * Decodes the JSON of a PUSH_DATA (PROTOCOL.TXT section 4) in one pass: every {@code rxpk} of both forwarder
 * generations, v2 {@code rsig} per-antenna signals, and the {@code stat} report. A bad rxpk is rejected with its
 * reason while its siblings are still decoded; unknown fields are skipped. The usual body is read straight from the
 * datagram ({@link DirectPushDataReader}), any other with Jackson's streaming parser. Not thread-safe: it keeps its
 * holders for the next datagram (the bridge calls it on its event loop only).
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

    private final RxpkFields rxpk;
    private final JsonValue value = new JsonValue();
    private final DirectPushDataReader direct;
    private final List<UplinkFrame> frames = new ArrayList<>(2);
    private final List<PushData.RejectedRxpk> rejected = new ArrayList<>(2);

    PushDataDecoder(boolean forwardCrcBad, boolean forwardCrcMissing) {
        this.rxpk = new RxpkFields(forwardCrcBad, forwardCrcMissing);
        this.direct = new DirectPushDataReader(rxpk);
    }

    /**
     * Decodes one PUSH_DATA's JSON: the usual shape (rxpk without {@code rsig}, in ASCII without escapes) straight from
     * its bytes, anything else (a status report, per-antenna signals, escapes, other characters, any error) with
     * Jackson's parser. The holders it reads into are kept for the next datagram: one thread at a time (the bridge's
     * event loop).
     */
    PushData decode(Eui64 gateway, byte[] datagram, int offset, int length, Instant receivedAt)
            throws MalformedDatagramException {
        try {
            if (direct.read(datagram, offset, length, gateway, receivedAt, frames, rejected)) {
                return new PushData(frames, rejected, null);
            }
            frames.clear();
            rejected.clear();
            return parse(gateway, datagram, offset, length, receivedAt);
        } finally {
            frames.clear();
            rejected.clear();
        }
    }

    /** Decodes with Jackson's parser, whatever the shape. */
    PushData parse(Eui64 gateway, byte[] datagram, int offset, int length, Instant receivedAt)
            throws MalformedDatagramException {
        GatewayStats stats = null;
        try (JsonParser p = JSON.createParser(datagram, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedDatagramException(DropReason.INVALID_JSON, "PUSH_DATA JSON is not an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken token = p.nextToken();
                if ("rxpk".equals(name) && token == JsonToken.START_ARRAY) {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        if (p.currentToken() != JsonToken.START_OBJECT) {
                            rejected.add(new PushData.RejectedRxpk(DropReason.BAD_FIELD, "rxpk entry is not an object"));
                            p.skipChildren();
                            continue;
                        }
                        readRxpk(p);
                        rxpk.collect(gateway, receivedAt, frames, rejected);
                    }
                } else if ("stat".equals(name) && token == JsonToken.START_OBJECT) {
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
            return new PushData(frames, rejected, stats);
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

    private void readRxpk(JsonParser p) throws IOException {
        rxpk.clear();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken token = p.nextToken();
            if ("rsig".equals(name)) {
                readRsig(p, token);
            } else {
                rxpk.field(name, value(p, token));
                p.skipChildren();
            }
        }
    }

    private void readRsig(JsonParser p, JsonToken token) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            rxpk.rsigNotAnArray();
            p.skipChildren();
            return;
        }
        rxpk.rsigStart();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                rxpk.rsigEntryNotAnObject();
                p.skipChildren();
                continue;
            }
            RxpkFields.Rsig entry = rxpk.rsigEntry();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken field = p.nextToken();
                rxpk.rsigField(entry, name, value(p, field));
                p.skipChildren();
            }
        }
    }

    /** The parser's current value, in {@link #value}. */
    private JsonValue value(JsonParser p, JsonToken token) throws IOException {
        switch (token) {
            case VALUE_STRING -> value.string(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            case VALUE_NUMBER_INT -> {
                JsonParser.NumberType type = p.getNumberType();
                boolean inLong = type != JsonParser.NumberType.BIG_INTEGER;
                value.integer(inLong ? p.getLongValue() : 0, inLong, type == JsonParser.NumberType.INT,
                        p.getDoubleValue());
            }
            case VALUE_NUMBER_FLOAT -> value.decimal(p.getDoubleValue());
            default -> value.other();
        }
        return value;
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

    /** The LoRa data rates, made once: [spreading factor 5-12][125, 250, 500, 203.125, 406.25, 812.5 kHz]. */
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

}
