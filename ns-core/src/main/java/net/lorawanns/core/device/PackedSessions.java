package net.lorawanns.core.device;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import net.lorawanns.core.backend.KeyEnvelope;
import net.lorawanns.core.join.AppSKeyReference;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Eui64;

/**
 * A DevAddr's session candidates packed into one byte array, the whole of a {@link SessionCache} entry: a few
 * hundred long-lived objects per DevAddr would make the old generation a collector walks grow with the devices, and
 * each object a young collection copies (an entry is copied twice before it is old) lengthens its pause. The array
 * starts with a header of longs: when the entry was loaded, how many candidates it holds, and each one's last
 * accepted counter, which changes in place (volatile, at offsets that are multiples of 8). Then each candidate: its
 * DevEUI, flags (1 pending, 2 LoRaWAN 1.1, 4 AppSKey, 8 AppSKey envelope, 16 AppSKey reference, 32 one network key,
 * 64 the session ID is a UUID), ConfFCnt, RX1DROffset, RX2 data rate, RX1 delay, DevAddr, the session ID (16 bytes,
 * or a string), the network keys (one, or three), the AppSKey, the envelope's KEK label and wrapped key, and the
 * reference's session key ID and join server ID, each when present. In memory only, never stored.
 */
final class PackedSessions {
    private static final int PENDING = 1;
    private static final int LORAWAN11 = 2;
    private static final int APP_S_KEY = 4;
    private static final int ENVELOPE = 8;
    private static final int REFERENCE = 16;
    private static final int ONE_NETWORK_KEY = 32;
    private static final int UUID_ID = 64;
    /**
     * A long at any offset, big-endian as {@link DataOutputStream} writes it; volatile access where the offset is a
     * multiple of 8, an aligned address since HotSpot starts an array's elements at one (a JVM that did not would
     * throw at the first access).
     */
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    /** The header's longs before the counters: the load time and the count of candidates. */
    private static final int LOADED_AT = 0;
    private static final int COUNT_AT = Long.BYTES;
    private static final int COUNTERS_AT = 2 * Long.BYTES;

    private PackedSessions() {
    }

    /** The candidates packed, with their last accepted counters, as loaded at {@code loadedNanos}. */
    static byte[] pack(List<SessionCandidate> candidates, long loadedNanos) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(COUNTERS_AT + 104 * candidates.size());
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            out.writeLong(loadedNanos);
            out.writeLong(candidates.size());
            for (SessionCandidate candidate : candidates) {
                out.writeLong(candidate.lastFCntUp());
            }
            for (SessionCandidate candidate : candidates) {
                DeviceSession s = candidate.session();
                boolean oneKey = s.fNwkSIntKey().equals(s.sNwkSIntKey()) && s.fNwkSIntKey().equals(s.nwkSEncKey());
                Optional<UUID> uuid = uuid(s.id());
                out.writeLong(candidate.devEui().value());
                out.writeByte((candidate.pending() ? PENDING : 0) | (s.lorawan11() ? LORAWAN11 : 0)
                        | (s.appSKey().isPresent() ? APP_S_KEY : 0) | (s.appSKeyEnvelope().isPresent() ? ENVELOPE : 0)
                        | (s.appSKeyReference().isPresent() ? REFERENCE : 0) | (oneKey ? ONE_NETWORK_KEY : 0)
                        | (uuid.isPresent() ? UUID_ID : 0));
                out.writeLong(candidate.confFCnt());
                out.writeInt(s.rx1DrOffset());
                out.writeInt(s.rx2DataRate());
                out.writeInt(s.rxDelaySeconds());
                out.writeInt(s.devAddr().value());
                if (uuid.isPresent()) {
                    out.writeLong(uuid.get().getMostSignificantBits());
                    out.writeLong(uuid.get().getLeastSignificantBits());
                } else {
                    writeString(out, s.id());
                }
                out.write(s.fNwkSIntKey().bytes());
                if (!oneKey) {
                    out.write(s.sNwkSIntKey().bytes());
                    out.write(s.nwkSEncKey().bytes());
                }
                if (s.appSKey().isPresent()) {
                    out.write(s.appSKey().get().bytes());
                }
                if (s.appSKeyEnvelope().isPresent()) {
                    KeyEnvelope envelope = s.appSKeyEnvelope().get();
                    writeString(out, envelope.kekLabel());
                    out.writeShort(envelope.aesKey().length);
                    out.write(envelope.aesKey());
                }
                if (s.appSKeyReference().isPresent()) {
                    writeString(out, s.appSKeyReference().get().sessionKeyId());
                    writeString(out, s.appSKeyReference().get().joinServerId());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /** When the entry was loaded, as {@link System#nanoTime()} gave it. */
    static long loadedNanos(byte[] packed) {
        return (long) LONG.get(packed, LOADED_AT);
    }

    /** The candidates as packed, each with its last accepted counter as it is now. */
    static List<SessionCandidate> unpack(byte[] packed) {
        int count = count(packed);
        ByteBuffer in = ByteBuffer.wrap(packed);
        in.position(COUNTERS_AT + count * Long.BYTES);
        List<SessionCandidate> candidates = new ArrayList<>(count);
        while (in.hasRemaining()) {
            Eui64 devEui = new Eui64(in.getLong());
            int flags = in.get();
            long confFCnt = in.getLong();
            int rx1DrOffset = in.getInt();
            int rx2DataRate = in.getInt();
            int rxDelay = in.getInt();
            DevAddr devAddr = new DevAddr(in.getInt());
            String id = (flags & UUID_ID) != 0 ? new UUID(in.getLong(), in.getLong()).toString() : readString(in);
            AesKey fNwk = key(in);
            AesKey sNwk = (flags & ONE_NETWORK_KEY) != 0 ? fNwk : key(in);
            AesKey enc = (flags & ONE_NETWORK_KEY) != 0 ? fNwk : key(in);
            Optional<AesKey> appSKey = (flags & APP_S_KEY) != 0 ? Optional.of(key(in)) : Optional.empty();
            Optional<KeyEnvelope> envelope = Optional.empty();
            if ((flags & ENVELOPE) != 0) {
                String label = readString(in);
                byte[] wrapped = new byte[in.getShort() & 0xFFFF];
                in.get(wrapped);
                envelope = Optional.of(new KeyEnvelope(label, wrapped));
            }
            Optional<AppSKeyReference> reference = (flags & REFERENCE) != 0
                    ? Optional.of(new AppSKeyReference(readString(in), readString(in))) : Optional.empty();
            candidates.add(new SessionCandidate(devEui, new DeviceSession(id, devAddr, (flags & LORAWAN11) != 0,
                    fNwk, sNwk, enc, appSKey, envelope, rx1DrOffset, rx2DataRate, rxDelay, reference),
                    (flags & PENDING) != 0, lastFCntUp(packed, candidates.size()), confFCnt));
        }
        return candidates;
    }

    /**
     * The index of the active (not pending) session {@code sessionId} of {@code devEui}; -1 when none. Reads the
     * packed bytes in place, without unpacking keys or making the packed ID a String: it runs for every accepted
     * frame.
     */
    static int indexOfActive(byte[] packed, Eui64 devEui, String sessionId) {
        int at = COUNTERS_AT + count(packed) * Long.BYTES;
        for (int index = 0; at < packed.length; index++) {
            long eui = (long) LONG.get(packed, at);
            int flags = packed[at + Long.BYTES];
            // DevEUI, flags, ConfFCnt, RX1DROffset, RX2 data rate, RX1 delay, DevAddr
            at += Long.BYTES + 1 + Long.BYTES + 4 * Integer.BYTES;
            if (eui == devEui.value() && (flags & PENDING) == 0 && idIs(packed, at, flags, sessionId)) {
                return index;
            }
            at = afterIdAndKeys(packed, at, flags);
        }
        return -1;
    }

    /** Records {@code fCnt} as the last accepted counter of the {@code index}-th candidate. */
    static void setLastFCntUp(byte[] packed, int index, long fCnt) {
        LONG.setVolatile(packed, COUNTERS_AT + index * Long.BYTES, fCnt);
    }

    private static long lastFCntUp(byte[] packed, int index) {
        return (long) LONG.getVolatile(packed, COUNTERS_AT + index * Long.BYTES);
    }

    private static int count(byte[] packed) {
        return (int) (long) LONG.get(packed, COUNT_AT);
    }

    /** Whether the session ID packed at {@code at} is {@code id}. */
    private static boolean idIs(byte[] packed, int at, int flags, String id) {
        if ((flags & UUID_ID) == 0) {
            return new String(packed, at + Short.BYTES, length(packed, at), StandardCharsets.UTF_8).equals(id);
        }
        // As UUID.toString writes it: 8-4-4-4-12 lower-case hex digits, most significant first.
        if (id.length() != 36) {
            return false;
        }
        int digit = 0;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return false;
                }
            } else {
                int nibble = (packed[at + digit / 2] >>> (digit % 2 == 0 ? 4 : 0)) & 0xF;
                if (c != Character.forDigit(nibble, 16)) {
                    return false;
                }
                digit++;
            }
        }
        return true;
    }

    /** Where the candidate whose session ID is packed at {@code at} ends. */
    private static int afterIdAndKeys(byte[] packed, int at, int flags) {
        at += (flags & UUID_ID) != 0 ? 2 * Long.BYTES : Short.BYTES + length(packed, at);
        int networkKeys = (flags & ONE_NETWORK_KEY) != 0 ? 1 : 3;
        at += (networkKeys + ((flags & APP_S_KEY) != 0 ? 1 : 0)) * AesKey.SIZE;
        if ((flags & ENVELOPE) != 0) {
            at += Short.BYTES + length(packed, at);
            at += Short.BYTES + length(packed, at);
        }
        if ((flags & REFERENCE) != 0) {
            at += Short.BYTES + length(packed, at);
            at += Short.BYTES + length(packed, at);
        }
        return at;
    }

    /** The length (two bytes, big-endian) at {@code at}: of a string, or of the envelope's wrapped key. */
    private static int length(byte[] packed, int at) {
        return ((packed[at] & 0xFF) << 8) | (packed[at + 1] & 0xFF);
    }

    private static AesKey key(ByteBuffer in) {
        AesKey key = AesKey.of(in.array(), in.position());
        in.position(in.position() + AesKey.SIZE);
        return key;
    }

    private static Optional<UUID> uuid(String id) {
        try {
            UUID uuid = UUID.fromString(id);
            return uuid.toString().equals(id) ? Optional.of(uuid) : Optional.empty();
        } catch (IllegalArgumentException notAUuid) {
            return Optional.empty();
        }
    }

    private static void writeString(DataOutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeShort(bytes.length);
        out.write(bytes);
    }

    private static String readString(ByteBuffer in) {
        byte[] bytes = new byte[in.getShort() & 0xFFFF];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
