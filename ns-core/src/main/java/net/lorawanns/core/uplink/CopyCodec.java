package net.lorawanns.core.uplink;

import io.vertx.core.buffer.Buffer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private CopyCodec() {
    }

    static byte[] encode(Copy copy) {
        return encode(copy.instanceId().getBytes(StandardCharsets.UTF_8), copy.rxInfo());
    }

    /**
     * Big-endian, as {@link Buffer} writes and {@link #decode} reads, straight into an array of the copy's length.
     *
     * @param instance the instance's id in UTF-8 (at most 255 bytes)
     */
    static byte[] encode(byte[] instance, RxInfo rx) {
        int flags = (rx.time() != null ? TIME : 0) | (rx.gpsTimeMillis() != null ? GPS : 0)
                | (rx.fineTimestampNanos() != null ? FINE : 0) | (rx.signalRssi() != null ? SIGNAL_RSSI : 0)
                | (rx.snr() != null ? SNR : 0) | (rx.frequencyOffsetHz() != null ? FREQUENCY_OFFSET : 0);
        int size = 1 + instance.length + 1 + 44 + ((flags & TIME) != 0 ? 12 : 0) + ((flags & GPS) != 0 ? 8 : 0)
                + ((flags & FINE) != 0 ? 8 : 0) + ((flags & SIGNAL_RSSI) != 0 ? 4 : 0) + ((flags & SNR) != 0 ? 8 : 0)
                + ((flags & FREQUENCY_OFFSET) != 0 ? 4 : 0);
        byte[] out = new byte[size];
        out[0] = (byte) instance.length;
        System.arraycopy(instance, 0, out, 1, instance.length);
        int at = 1 + instance.length;
        out[at++] = (byte) flags;
        LONG.set(out, at, rx.gatewayEui().value());
        LONG.set(out, at + 8, rx.tmst());
        INT.set(out, at + 16, rx.channel());
        INT.set(out, at + 20, rx.rfChain());
        INT.set(out, at + 24, rx.antenna());
        INT.set(out, at + 28, rx.rssi());
        LONG.set(out, at + 32, rx.receivedAt().getEpochSecond());
        INT.set(out, at + 40, rx.receivedAt().getNano());
        at += 44;
        if (rx.time() != null) {
            LONG.set(out, at, rx.time().getEpochSecond());
            INT.set(out, at + 8, rx.time().getNano());
            at += 12;
        }
        if (rx.gpsTimeMillis() != null) {
            LONG.set(out, at, (long) rx.gpsTimeMillis());
            at += 8;
        }
        if (rx.fineTimestampNanos() != null) {
            LONG.set(out, at, (long) rx.fineTimestampNanos());
            at += 8;
        }
        if (rx.signalRssi() != null) {
            INT.set(out, at, (int) rx.signalRssi());
            at += 4;
        }
        if (rx.snr() != null) {
            LONG.set(out, at, Double.doubleToRawLongBits(rx.snr()));
            at += 8;
        }
        if (rx.frequencyOffsetHz() != null) {
            INT.set(out, at, (int) rx.frequencyOffsetHz());
        }
        return out;
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
