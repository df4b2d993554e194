package net.lorawanns.bridge;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import net.lorawanns.core.gateway.TxResult;
import net.lorawanns.core.gateway.TxStatus;

/**
 * Reads the optional JSON of a TX_ACK (PROTOCOL.TXT sections 5.5 and 6). No JSON, {@code "error":"NONE"} or a
 * {@code warn} mean the frame was accepted; an {@code error} names why it was not. TX_POWER was an error
 * before protocol revision 1.5 and a warning since.
 */
final class TxAckDecoder {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private TxAckDecoder() {
    }

    static TxResult decode(byte[] datagram, int offset, int length) throws MalformedDatagramException {
        int end = offset + length;
        // Some forwarders terminate the JSON with NUL bytes or whitespace.
        while (end > offset && (datagram[end - 1] == 0 || Character.isWhitespace(datagram[end - 1]))) {
            end--;
        }
        if (end == offset) {
            return TxResult.of(TxStatus.SENT);
        }
        String error = null;
        String warn = null;
        String value = null;
        try (JsonParser p = JSON.createParser(datagram, offset, end - offset)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedDatagramException(DropReason.INVALID_JSON, "TX_ACK JSON is not an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken token = p.nextToken();
                if ("txpk_ack".equals(name) && token == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String field = p.currentName();
                        JsonToken v = p.nextToken();
                        String text = v.isScalarValue() ? p.getValueAsString() : null;
                        p.skipChildren();
                        switch (field) {
                            case "error" -> error = text;
                            case "warn" -> warn = text;
                            case "value" -> value = text;
                            default -> { }
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new MalformedDatagramException(DropReason.INVALID_JSON, "content after the TX_ACK JSON object");
            }
        } catch (IOException e) {
            throw new MalformedDatagramException(DropReason.INVALID_JSON, "TX_ACK: " + e.getMessage());
        }
        if (error != null && !error.isEmpty() && !"NONE".equals(error)) {
            return switch (error) {
                case "TOO_LATE" -> TxResult.of(TxStatus.TOO_LATE);
                case "TOO_EARLY" -> TxResult.of(TxStatus.TOO_EARLY);
                case "COLLISION_PACKET" -> TxResult.of(TxStatus.COLLISION_PACKET);
                case "COLLISION_BEACON" -> TxResult.of(TxStatus.COLLISION_BEACON);
                case "TX_FREQ" -> TxResult.of(TxStatus.TX_FREQ);
                case "TX_POWER" -> TxResult.of(TxStatus.TX_POWER);
                case "GPS_UNLOCKED" -> TxResult.of(TxStatus.GPS_UNLOCKED);
                default -> new TxResult(TxStatus.REJECTED, error);
            };
        }
        if (warn != null) {
            return new TxResult(TxStatus.SENT, value == null ? warn : warn + " " + value);
        }
        return TxResult.of(TxStatus.SENT);
    }
}
