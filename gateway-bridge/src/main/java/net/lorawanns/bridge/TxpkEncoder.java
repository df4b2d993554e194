package net.lorawanns.bridge;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Base64;
import net.lorawanns.core.gateway.DownlinkFrame;
import net.lorawanns.core.gateway.TxTiming;
import net.lorawanns.core.region.DataRate;

/** Writes a PULL_RESP datagram: header and {@code {"txpk":{...}}} (PROTOCOL.TXT sections 5.4 and 6). */
final class TxpkEncoder {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private TxpkEncoder() {
    }

    /** Version 1 forwarders expect a zero token; version 2 ones echo it in their TX_ACK. */
    static byte[] pullResp(int version, int token, DownlinkFrame frame) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(version);
        out.write(token >>> 8);
        out.write(token);
        out.write(Identifier.PULL_RESP.code());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart("txpk");
            if (frame.timing() instanceof TxTiming.AtCounter at) {
                g.writeNumberField("tmst", at.tmst());
            } else if (frame.timing() instanceof TxTiming.AtGpsTime at) {
                g.writeNumberField("tmms", at.gpsMillis());
            } else {
                g.writeBooleanField("imme", true);
            }
            g.writeFieldName("freq");
            // MHz with Hz precision, written exactly (868.1, not 868.1000000000001).
            g.writeNumber(BigDecimal.valueOf(frame.frequencyHz(), 6).stripTrailingZeros().toPlainString());
            g.writeNumberField("rfch", frame.rfChain());
            g.writeNumberField("powe", frame.powerDbm());
            if (frame.dataRate() instanceof DataRate.LoRa lora) {
                g.writeStringField("modu", "LORA");
                g.writeStringField("datr", "SF" + lora.spreadingFactor() + "BW" + lora.bandwidthHz() / 1000);
                g.writeStringField("codr", frame.codingRate() == null ? "4/5" : frame.codingRate());
                g.writeBooleanField("ipol", frame.invertPolarity());
            } else if (frame.dataRate() instanceof DataRate.Fsk fsk) {
                g.writeStringField("modu", "FSK");
                g.writeNumberField("datr", fsk.bitrate());
                if (frame.fskDeviationHz() != null) {
                    g.writeNumberField("fdev", frame.fskDeviationHz());
                }
            }
            if (frame.preamble() != null) {
                g.writeNumberField("prea", frame.preamble());
            }
            byte[] payload = frame.phyPayload();
            g.writeNumberField("size", payload.length);
            g.writeStringField("data", Base64.getEncoder().encodeToString(payload));
            if (frame.noCrc()) {
                g.writeBooleanField("ncrc", true);
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
