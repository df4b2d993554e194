package net.lorawanns.core.device;

import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.Optional;
import net.lorawanns.core.join.KeyEnvelope;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Hex;

/**
 * A device's network session: DevAddr, network session keys and the radio settings it was given.
 *
 * @param id unique per session, so that a counter update can tell whether the session it checked is still current
 * @param lorawan11 LoRaWAN 1.1 frame rules (a 1.1 device that joined with OptNeg set); else 1.0 rules with one NwkSKey
 * @param appSKey the AppSKey when this server holds it in clear
 * @param appSKeyEnvelope the AppSKey wrapped for the application server, when the join server sent it that way
 */
public record DeviceSession(String id, DevAddr devAddr, boolean lorawan11, AesKey fNwkSIntKey, AesKey sNwkSIntKey,
                            AesKey nwkSEncKey, Optional<AesKey> appSKey, Optional<KeyEnvelope> appSKeyEnvelope,
                            int rx1DrOffset, int rx2DataRate, int rxDelaySeconds) {
    public DeviceSession {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(devAddr, "devAddr");
        Objects.requireNonNull(appSKey, "appSKey");
        Objects.requireNonNull(appSKeyEnvelope, "appSKeyEnvelope");
    }

    JsonObject toJson() {
        JsonObject json = new JsonObject().put("id", id).put("dev_addr", devAddr.toString())
                .put("lorawan11", lorawan11).put("f_nwk_s_int_key", Hex.upper(fNwkSIntKey.bytes()))
                .put("s_nwk_s_int_key", Hex.upper(sNwkSIntKey.bytes()))
                .put("nwk_s_enc_key", Hex.upper(nwkSEncKey.bytes()))
                .put("rx1_dr_offset", rx1DrOffset).put("rx2_dr", rx2DataRate).put("rx_delay", rxDelaySeconds);
        appSKey.ifPresent(key -> json.put("app_s_key", Hex.upper(key.bytes())));
        appSKeyEnvelope.ifPresent(envelope -> json.put("app_s_key_envelope", new JsonObject()
                .put("kek_label", envelope.kekLabel()).put("aes_key", Hex.upper(envelope.aesKey()))));
        return json;
    }

    static DeviceSession fromJson(JsonObject json) {
        String appSKey = json.getString("app_s_key");
        JsonObject envelope = json.getJsonObject("app_s_key_envelope");
        return new DeviceSession(json.getString("id"), DevAddr.parse(json.getString("dev_addr")),
                json.getBoolean("lorawan11"), key(json, "f_nwk_s_int_key"), key(json, "s_nwk_s_int_key"),
                key(json, "nwk_s_enc_key"),
                appSKey == null ? Optional.empty() : Optional.of(AesKey.of(Hex.decode(appSKey))),
                envelope == null ? Optional.empty() : Optional.of(new KeyEnvelope(envelope.getString("kek_label"),
                        Hex.decode(envelope.getString("aes_key")))),
                json.getInteger("rx1_dr_offset"), json.getInteger("rx2_dr"), json.getInteger("rx_delay"));
    }

    private static AesKey key(JsonObject json, String field) {
        return AesKey.of(Hex.decode(json.getString(field)));
    }

    @Override
    public String toString() {
        return "DeviceSession[" + id + " " + devAddr + (lorawan11 ? " 1.1" : " 1.0") + "]";
    }
}
