package net.lorawanns.core.device;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
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
 * keys in one part sealed by the {@link AtRestCipher}. The sealed part holds FNwkSIntKey | SNwkSIntKey | NwkSEncKey,
 * then the AppSKey when the server holds it in clear, then the envelope's (wrapped) AppSKey. Its associated data
 * names the DevEUI and the session ID, and binds the readable fields, so that a sealed part cannot be moved to
 * another device or session, nor its settings changed. Not the hash field's name: promoting a pending session
 * copies it from {@code p} to {@code a} as is. Reading a record costs one AES-GCM decryption.
 *
 * <p>Records stored before sessions were sealed (keys in hex, no {@code kid}) are still read, so that sessions
 * survive an upgrade; {@code keys rotate} seals them.
 */
final class SessionRecord {
    private static final int NETWORK_KEYS = 3 * AesKey.SIZE;

    private final AtRestCipher cipher;

    SessionRecord(AtRestCipher cipher) {
        this.cipher = cipher;
    }

    String encode(Eui64 devEui, DeviceSession session) {
        int length = NETWORK_KEYS + (session.appSKey().isPresent() ? AesKey.SIZE : 0)
                + session.appSKeyEnvelope().map(envelope -> envelope.aesKey().length).orElse(0);
        byte[] plain = new byte[length];
        System.arraycopy(session.fNwkSIntKey().bytes(), 0, plain, 0, AesKey.SIZE);
        System.arraycopy(session.sNwkSIntKey().bytes(), 0, plain, AesKey.SIZE, AesKey.SIZE);
        System.arraycopy(session.nwkSEncKey().bytes(), 0, plain, 2 * AesKey.SIZE, AesKey.SIZE);
        session.appSKey().ifPresent(key -> System.arraycopy(key.bytes(), 0, plain, NETWORK_KEYS, AesKey.SIZE));
        session.appSKeyEnvelope().ifPresent(envelope -> {
            byte[] wrapped = envelope.aesKey();
            System.arraycopy(wrapped, 0, plain, length - wrapped.length, wrapped.length);
        });
        JsonObject record = new JsonObject().put("id", session.id()).put("dev_addr", session.devAddr().toString())
                .put("lorawan11", session.lorawan11()).put("rx1_dr_offset", session.rx1DrOffset())
                .put("rx2_dr", session.rx2DataRate()).put("rx_delay", session.rxDelaySeconds())
                .put("has_app_s_key", session.appSKey().isPresent());
        session.appSKeyEnvelope().ifPresent(envelope -> record.put("app_s_key_kek_label", envelope.kekLabel()));
        session.appSKeyReference().ifPresent(reference -> record.put("session_key_id", reference.sessionKeyId())
                .put("join_server_id", reference.joinServerId()));
        JsonObject sealed = cipher.seal(record, plain, kid -> associatedData(devEui, kid, record));
        Arrays.fill(plain, (byte) 0);
        return sealed.encode();
    }

    /** The DevAddr of a stored record, which is readable without opening its keys. */
    static DevAddr devAddr(JsonObject record) {
        return DevAddr.parse(record.getString("dev_addr"));
    }

    /**
     * @throws SealedRecordException when the keys cannot be opened (master key, owner or record wrong), naming the
     *     configuration key to look at
     */
    DeviceSession decode(Eui64 devEui, JsonObject record) {
        if (!record.containsKey("kid")) {
            return fromClearRecord(record);
        }
        byte[] plain = cipher.open(record, associatedData(devEui, record.getString("kid"), record),
                "the session keys of " + devEui);
        boolean hasAppSKey = record.getBoolean("has_app_s_key");
        String kekLabel = record.getString("app_s_key_kek_label");
        int envelopeStart = NETWORK_KEYS + (hasAppSKey ? AesKey.SIZE : 0);
        if (plain.length < envelopeStart || (kekLabel == null) != (plain.length == envelopeStart)) {
            throw new SealedRecordException("the session keys of " + devEui + " do not have the stored layout");
        }
        DeviceSession session = new DeviceSession(record.getString("id"), devAddr(record),
                record.getBoolean("lorawan11"), AesKey.of(plain, 0), AesKey.of(plain, AesKey.SIZE),
                AesKey.of(plain, 2 * AesKey.SIZE),
                hasAppSKey ? Optional.of(AesKey.of(plain, NETWORK_KEYS)) : Optional.empty(),
                kekLabel == null ? Optional.empty()
                        : Optional.of(new KeyEnvelope(kekLabel, Arrays.copyOfRange(plain, envelopeStart, plain.length))),
                record.getInteger("rx1_dr_offset"), record.getInteger("rx2_dr"), record.getInteger("rx_delay"),
                appSKeyReference(record));
        Arrays.fill(plain, (byte) 0);
        return session;
    }

    /** The record opened and sealed again under the current master key. */
    JsonObject reseal(Eui64 devEui, JsonObject record) {
        return new JsonObject(encode(devEui, decode(devEui, record)));
    }

    private static Optional<AppSKeyReference> appSKeyReference(JsonObject record) {
        String sessionKeyId = record.getString("session_key_id");
        return sessionKeyId == null ? Optional.empty()
                : Optional.of(new AppSKeyReference(sessionKeyId, record.getString("join_server_id", "")));
    }

    /** The readable fields bound to the sealed keys; a record without an AppSKey reference has the earlier data. */
    private static byte[] associatedData(Eui64 devEui, String kid, JsonObject record) {
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
        return new DeviceSession(json.getString("id"), devAddr(json), json.getBoolean("lorawan11"),
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
