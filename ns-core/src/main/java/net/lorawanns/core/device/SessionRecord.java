package net.lorawanns.core.device;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import net.lorawanns.core.backend.KeyEnvelope;
import net.lorawanns.core.join.AppSKeyReference;
import net.lorawanns.core.seal.AtRestCipher;
import net.lorawanns.core.seal.SealedRecordException;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.Hex;

/**
 * A {@link DeviceSession} as a field of the session hash holds it: the ID, DevAddr and radio settings readable, the
 * keys in one part sealed by the {@link AtRestCipher}. The sealed part holds FNwkSIntKey | SNwkSIntKey | NwkSEncKey
 * (the one NwkSKey of a LoRaWAN 1.0 session once), then the AppSKey when the server holds it in clear, then the
 * envelope's (wrapped) AppSKey. Its associated data names the DevEUI and binds every readable byte (session ID, key
 * ID, DevAddr, settings), so that a sealed part cannot be moved to another device or session, nor its settings
 * changed. Not the hash field's name: promoting a pending session copies it from {@code p} to {@code a} as is.
 * Reading a record costs one AES-GCM decryption.
 *
 * <p>Stored in a compact binary form, since a million devices each keep one ({@link #FORMAT}):
 * <pre>
 * 0     format (1)
 * 1     flags: 1 LoRaWAN 1.1, 2 AppSKey held, 4 AppSKey envelope, 8 AppSKey reference, 16 one network key,
 *       32 the session ID is a UUID, stored as its 16 bytes
 * 2-4   RX1DROffset, RX2 data rate, RX1 delay (s)
 * 5-8   DevAddr, big-endian
 * then  the session ID (16 bytes, or a string), the master key ID, the envelope's KEK label, the reference's
 *       session key ID and join server ID: each string present as its UTF-8 length (one byte under 128, two
 *       above) and bytes
 * then  the sealed keys: nonce and ciphertext ({@link AtRestCipher#sealCompact})
 * </pre>
 * Records stored as JSON before (sealed with {@code kid}, or from before sessions were sealed with the keys in hex)
 * are still read, so that sessions survive an upgrade; {@code keys rotate} re-seals them in this form.
 */
final class SessionRecord {
    /** The first byte of a compact record; a JSON record starts with '{'. */
    static final byte FORMAT = 1;
    private static final int LORAWAN11 = 1;
    private static final int APP_S_KEY = 2;
    private static final int ENVELOPE = 4;
    private static final int REFERENCE = 8;
    private static final int ONE_NETWORK_KEY = 16;
    private static final int UUID_ID = 32;
    private static final int DEV_ADDR_AT = 5;
    private static final int STRINGS_AT = 9;
    private static final byte[] DOMAIN = "lorawan-session".getBytes(StandardCharsets.UTF_8);

    private final AtRestCipher cipher;

    SessionRecord(AtRestCipher cipher) {
        this.cipher = cipher;
    }

    byte[] encode(Eui64 devEui, DeviceSession session) {
        boolean oneNetworkKey = !session.lorawan11() && session.fNwkSIntKey().equals(session.sNwkSIntKey())
                && session.fNwkSIntKey().equals(session.nwkSEncKey());
        int networkKeys = (oneNetworkKey ? 1 : 3) * AesKey.SIZE;
        int length = networkKeys + (session.appSKey().isPresent() ? AesKey.SIZE : 0)
                + session.appSKeyEnvelope().map(envelope -> envelope.aesKey().length).orElse(0);
        byte[] plain = new byte[length];
        System.arraycopy(session.fNwkSIntKey().bytes(), 0, plain, 0, AesKey.SIZE);
        if (!oneNetworkKey) {
            System.arraycopy(session.sNwkSIntKey().bytes(), 0, plain, AesKey.SIZE, AesKey.SIZE);
            System.arraycopy(session.nwkSEncKey().bytes(), 0, plain, 2 * AesKey.SIZE, AesKey.SIZE);
        }
        session.appSKey().ifPresent(key -> System.arraycopy(key.bytes(), 0, plain, networkKeys, AesKey.SIZE));
        session.appSKeyEnvelope().ifPresent(envelope -> {
            byte[] wrapped = envelope.aesKey();
            System.arraycopy(wrapped, 0, plain, length - wrapped.length, wrapped.length);
        });
        Optional<UUID> uuid = uuid(session.id());
        int flags = (session.lorawan11() ? LORAWAN11 : 0) | (session.appSKey().isPresent() ? APP_S_KEY : 0)
                | (session.appSKeyEnvelope().isPresent() ? ENVELOPE : 0)
                | (session.appSKeyReference().isPresent() ? REFERENCE : 0) | (oneNetworkKey ? ONE_NETWORK_KEY : 0)
                | (uuid.isPresent() ? UUID_ID : 0);
        ByteArrayOutputStream header = new ByteArrayOutputStream(64);
        header.write(FORMAT);
        header.write(flags);
        header.write(unsignedByte(session.rx1DrOffset(), "RX1DROffset"));
        header.write(unsignedByte(session.rx2DataRate(), "RX2 data rate"));
        header.write(unsignedByte(session.rxDelaySeconds(), "RX1 delay"));
        header.writeBytes(ByteBuffer.allocate(DevAddr.SIZE).putInt(session.devAddr().value()).array());
        if (uuid.isPresent()) {
            header.writeBytes(ByteBuffer.allocate(16).putLong(uuid.get().getMostSignificantBits())
                    .putLong(uuid.get().getLeastSignificantBits()).array());
        } else {
            Strings.write(header, session.id());
        }
        Strings.write(header, cipher.currentId());
        session.appSKeyEnvelope().ifPresent(envelope -> Strings.write(header, envelope.kekLabel()));
        session.appSKeyReference().ifPresent(reference -> {
            Strings.write(header, reference.sessionKeyId());
            Strings.write(header, reference.joinServerId());
        });
        byte[] readable = header.toByteArray();
        byte[] sealed = cipher.sealCompact(plain, associatedData(devEui, readable, readable.length));
        Arrays.fill(plain, (byte) 0);
        byte[] record = Arrays.copyOf(readable, readable.length + sealed.length);
        System.arraycopy(sealed, 0, record, readable.length, sealed.length);
        return record;
    }

    /** The DevAddr of a stored record, which is readable without opening its keys. */
    static DevAddr devAddr(byte[] stored) {
        if (!compact(stored)) {
            return DevAddr.parse(json(stored).getString("dev_addr"));
        }
        if (stored.length < STRINGS_AT) {
            throw new SealedRecordException("a session record is too short to hold a DevAddr");
        }
        return new DevAddr(ByteBuffer.wrap(stored, DEV_ADDR_AT, DevAddr.SIZE).getInt());
    }

    /** Whether the record is sealed under the current master key in the compact form: else a rotation re-seals it. */
    boolean current(byte[] stored) {
        return compact(stored) && cipher.currentId().equals(new Header(stored).kid);
    }

    /**
     * @throws SealedRecordException when the keys cannot be opened (master key, owner or record wrong), naming the
     *     configuration key to look at
     */
    DeviceSession decode(Eui64 devEui, byte[] stored) {
        if (!compact(stored)) {
            return decodeJson(devEui, json(stored));
        }
        String what = "the session keys of " + devEui;
        Header header = new Header(stored);
        byte[] plain = cipher.openCompact(header.kid, stored, header.end,
                associatedData(devEui, stored, header.end), what);
        int flags = stored[1];
        boolean hasAppSKey = (flags & APP_S_KEY) != 0;
        int networkKeys = ((flags & ONE_NETWORK_KEY) != 0 ? 1 : 3) * AesKey.SIZE;
        int envelopeStart = networkKeys + (hasAppSKey ? AesKey.SIZE : 0);
        if (plain.length < envelopeStart || (header.kekLabel == null) != (plain.length == envelopeStart)) {
            throw new SealedRecordException(what + " do not have the stored layout");
        }
        AesKey fNwk = AesKey.of(plain, 0);
        DeviceSession session = new DeviceSession(header.id, devAddr(stored), (flags & LORAWAN11) != 0, fNwk,
                networkKeys == AesKey.SIZE ? fNwk : AesKey.of(plain, AesKey.SIZE),
                networkKeys == AesKey.SIZE ? fNwk : AesKey.of(plain, 2 * AesKey.SIZE),
                hasAppSKey ? Optional.of(AesKey.of(plain, networkKeys)) : Optional.empty(),
                header.kekLabel == null ? Optional.empty() : Optional.of(new KeyEnvelope(header.kekLabel,
                        Arrays.copyOfRange(plain, envelopeStart, plain.length))),
                stored[2] & 0xFF, stored[3] & 0xFF, stored[4] & 0xFF,
                header.sessionKeyId == null ? Optional.empty()
                        : Optional.of(new AppSKeyReference(header.sessionKeyId, header.joinServerId)));
        Arrays.fill(plain, (byte) 0);
        return session;
    }

    /** The record opened and sealed again under the current master key, in the compact form. */
    byte[] reseal(Eui64 devEui, byte[] stored) {
        return encode(devEui, decode(devEui, stored));
    }

    /** The readable part of a compact record: its strings, and where the sealed keys start. */
    private static final class Header {
        private final String id;
        private final String kid;
        private final String kekLabel;
        private final String sessionKeyId;
        private final String joinServerId;
        private final int end;

        Header(byte[] stored) {
            try {
                int flags = stored[1];
                Strings strings = new Strings(stored, STRINGS_AT);
                if ((flags & UUID_ID) != 0) {
                    ByteBuffer bytes = ByteBuffer.wrap(stored, STRINGS_AT, 16);
                    id = new UUID(bytes.getLong(), bytes.getLong()).toString();
                    strings.skip(16);
                } else {
                    id = strings.next();
                }
                kid = strings.next();
                kekLabel = (flags & ENVELOPE) != 0 ? strings.next() : null;
                if ((flags & REFERENCE) != 0) {
                    sessionKeyId = strings.next();
                    joinServerId = strings.next();
                } else {
                    sessionKeyId = null;
                    joinServerId = null;
                }
                end = strings.at;
            } catch (IndexOutOfBoundsException e) {
                throw new SealedRecordException("a session record ends before its readable fields do");
            }
        }
    }

    /**
     * The readable strings of a compact record, one after the other, each its UTF-8 length and bytes: a length
     * under 128 in one byte, a longer one (up to 32,767) in two, the first with its high bit set.
     */
    private static final class Strings {
        private final byte[] stored;
        private int at;

        Strings(byte[] stored, int at) {
            this.stored = stored;
            this.at = at;
        }

        void skip(int bytes) {
            at += bytes;
        }

        String next() {
            int first = stored[at] & 0xFF;
            int length = first < 0x80 ? first : (first & 0x7F) << 8 | (stored[at + 1] & 0xFF);
            int start = at + (first < 0x80 ? 1 : 2);
            if (start + length > stored.length) {
                throw new IndexOutOfBoundsException(start + length);
            }
            at = start + length;
            return new String(stored, start, length, StandardCharsets.UTF_8);
        }

        static void write(ByteArrayOutputStream out, String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > 0x7FFF) {
                throw new IllegalArgumentException("a session record's text field is at most 32,767 bytes, got "
                        + bytes.length);
            }
            if (bytes.length >= 0x80) {
                out.write(0x80 | bytes.length >> 8);
            }
            out.write(bytes.length & 0xFF);
            out.writeBytes(bytes);
        }
    }

    private static boolean compact(byte[] stored) {
        return stored.length > 0 && stored[0] == FORMAT;
    }

    private static JsonObject json(byte[] stored) {
        return new JsonObject(Buffer.buffer(stored));
    }

    private static Optional<UUID> uuid(String id) {
        try {
            UUID uuid = UUID.fromString(id);
            return uuid.toString().equals(id) ? Optional.of(uuid) : Optional.empty();
        } catch (IllegalArgumentException notAUuid) {
            return Optional.empty();
        }
    }

    private static int unsignedByte(int value, String what) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException(what + " must be 0-255, got " + value);
        }
        return value;
    }


    /** The owner and every readable byte of the record, up to where the sealed keys start. */
    private static byte[] associatedData(Eui64 devEui, byte[] readable, int length) {
        byte[] aad = new byte[DOMAIN.length + Eui64.SIZE + length];
        System.arraycopy(DOMAIN, 0, aad, 0, DOMAIN.length);
        System.arraycopy(devEui.toBigEndian(), 0, aad, DOMAIN.length, Eui64.SIZE);
        System.arraycopy(readable, 0, aad, DOMAIN.length + Eui64.SIZE, length);
        return aad;
    }

    /** A record stored as JSON: sealed (with {@code kid}), or from before sessions were sealed. */
    private DeviceSession decodeJson(Eui64 devEui, JsonObject record) {
        if (!record.containsKey("kid")) {
            return fromClearRecord(record);
        }
        byte[] plain = cipher.open(record, jsonAssociatedData(devEui, record.getString("kid"), record),
                "the session keys of " + devEui);
        boolean hasAppSKey = record.getBoolean("has_app_s_key");
        String kekLabel = record.getString("app_s_key_kek_label");
        int networkKeys = 3 * AesKey.SIZE;
        int envelopeStart = networkKeys + (hasAppSKey ? AesKey.SIZE : 0);
        if (plain.length < envelopeStart || (kekLabel == null) != (plain.length == envelopeStart)) {
            throw new SealedRecordException("the session keys of " + devEui + " do not have the stored layout");
        }
        String sessionKeyId = record.getString("session_key_id");
        DeviceSession session = new DeviceSession(record.getString("id"), DevAddr.parse(record.getString("dev_addr")),
                record.getBoolean("lorawan11"), AesKey.of(plain, 0), AesKey.of(plain, AesKey.SIZE),
                AesKey.of(plain, 2 * AesKey.SIZE),
                hasAppSKey ? Optional.of(AesKey.of(plain, networkKeys)) : Optional.empty(),
                kekLabel == null ? Optional.empty()
                        : Optional.of(new KeyEnvelope(kekLabel, Arrays.copyOfRange(plain, envelopeStart, plain.length))),
                record.getInteger("rx1_dr_offset"), record.getInteger("rx2_dr"), record.getInteger("rx_delay"),
                sessionKeyId == null ? Optional.empty()
                        : Optional.of(new AppSKeyReference(sessionKeyId, record.getString("join_server_id", ""))));
        Arrays.fill(plain, (byte) 0);
        return session;
    }

    /** The readable JSON fields bound to the sealed keys; a record without an AppSKey reference has the earlier data. */
    private static byte[] jsonAssociatedData(Eui64 devEui, String kid, JsonObject record) {
        String reference = record.containsKey("session_key_id") ? "|" + record.getString("session_key_id") + "|"
                + record.getString("join_server_id", "") : "";
        return (String.join("|", "lorawan-session", devEui.toString(), record.getString("id"), kid,
                record.getString("dev_addr"), String.valueOf(record.getBoolean("lorawan11")),
                String.valueOf(record.getInteger("rx1_dr_offset")), String.valueOf(record.getInteger("rx2_dr")),
                String.valueOf(record.getInteger("rx_delay")), String.valueOf(record.getBoolean("has_app_s_key")),
                String.valueOf(record.containsKey("app_s_key_kek_label")), record.getString("app_s_key_kek_label", ""))
                + reference).getBytes(StandardCharsets.UTF_8);
    }

    /** A record stored before sessions were sealed. */
    private static DeviceSession fromClearRecord(JsonObject json) {
        String appSKey = json.getString("app_s_key");
        JsonObject envelope = json.getJsonObject("app_s_key_envelope");
        return new DeviceSession(json.getString("id"), DevAddr.parse(json.getString("dev_addr")),
                json.getBoolean("lorawan11"),
                clearKey(json, "f_nwk_s_int_key"), clearKey(json, "s_nwk_s_int_key"), clearKey(json, "nwk_s_enc_key"),
                appSKey == null ? Optional.empty() : Optional.of(AesKey.of(Hex.decode(appSKey))),
                envelope == null ? Optional.empty() : Optional.of(new KeyEnvelope(envelope.getString("kek_label"),
                        Hex.decode(envelope.getString("aes_key")))),
                json.getInteger("rx1_dr_offset"), json.getInteger("rx2_dr"), json.getInteger("rx_delay"));
    }

    private static AesKey clearKey(JsonObject json, String field) {
        return AesKey.of(Hex.decode(json.getString(field)));
    }
}
