package net.lorawanns.core.uplink;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import net.lorawanns.core.gateway.RxInfo;
import net.lorawanns.core.types.Eui64;

/** The compact binary form of a {@link Copy} in the deduplication set; a flags byte marks the optional fields. */
final class CopyCodec {
    private static final int TIME = 1;
    private static final int GPS = 2;
    private static final int FINE = 4;
    private static final int SIGNAL_RSSI = 8;
    private static final int SNR = 16;
    private static final int FREQUENCY_OFFSET = 32;

    private CopyCodec() {
    }

    static byte[] encode(Copy copy) {
        RxInfo rx = copy.rxInfo();
        byte[] instance = copy.instanceId().getBytes(StandardCharsets.UTF_8);
        Buffer out = Buffer.buffer(96);
        out.appendByte((byte) instance.length).appendBytes(instance);
        int flags = (rx.time() != null ? TIME : 0) | (rx.gpsTimeMillis() != null ? GPS : 0)
                | (rx.fineTimestampNanos() != null ? FINE : 0) | (rx.signalRssi() != null ? SIGNAL_RSSI : 0)
                | (rx.snr() != null ? SNR : 0) | (rx.frequencyOffsetHz() != null ? FREQUENCY_OFFSET : 0);
        out.appendByte((byte) flags).appendLong(rx.gatewayEui().value()).appendLong(rx.tmst())
                .appendInt(rx.channel()).appendInt(rx.rfChain()).appendInt(rx.antenna()).appendInt(rx.rssi())
                .appendLong(rx.receivedAt().getEpochSecond()).appendInt(rx.receivedAt().getNano());
        if (rx.time() != null) {
            out.appendLong(rx.time().getEpochSecond()).appendInt(rx.time().getNano());
        }
        if (rx.gpsTimeMillis() != null) {
            out.appendLong(rx.gpsTimeMillis());
        }
        if (rx.fineTimestampNanos() != null) {
            out.appendLong(rx.fineTimestampNanos());
        }
        if (rx.signalRssi() != null) {
            out.appendInt(rx.signalRssi());
        }
        if (rx.snr() != null) {
            out.appendDouble(rx.snr());
        }
        if (rx.frequencyOffsetHz() != null) {
            out.appendInt(rx.frequencyOffsetHz());
        }
        return out.getBytes();
    }

    static Copy decode(Buffer in) {
        int pos = 0;
        int instanceLength = in.getUnsignedByte(pos++);
        String instance = in.getString(pos, pos + instanceLength, "UTF-8");
        pos += instanceLength;
        int flags = in.getUnsignedByte(pos++);
        Eui64 gateway = new Eui64(in.getLong(pos));
        long tmst = in.getLong(pos + 8);
        int channel = in.getInt(pos + 16);
        int rfChain = in.getInt(pos + 20);
        int antenna = in.getInt(pos + 24);
        int rssi = in.getInt(pos + 28);
        Instant receivedAt = Instant.ofEpochSecond(in.getLong(pos + 32), in.getInt(pos + 40));
        pos += 44;
        Instant time = null;
        if ((flags & TIME) != 0) {
            time = Instant.ofEpochSecond(in.getLong(pos), in.getInt(pos + 8));
            pos += 12;
        }
        Long gps = null;
        if ((flags & GPS) != 0) {
            gps = in.getLong(pos);
            pos += 8;
        }
        Long fine = null;
        if ((flags & FINE) != 0) {
            fine = in.getLong(pos);
            pos += 8;
        }
        Integer signalRssi = null;
        if ((flags & SIGNAL_RSSI) != 0) {
            signalRssi = in.getInt(pos);
            pos += 4;
        }
        Double snr = null;
        if ((flags & SNR) != 0) {
            snr = in.getDouble(pos);
            pos += 8;
        }
        Integer frequencyOffset = null;
        if ((flags & FREQUENCY_OFFSET) != 0) {
            frequencyOffset = in.getInt(pos);
        }
        return new Copy(instance, new RxInfo(gateway, tmst, time, gps, fine, channel, rfChain, antenna, rssi,
                signalRssi, snr, frequencyOffset, receivedAt));
    }
}
