package net.lorawanns.core.backend;

import io.vertx.core.json.JsonObject;
import java.util.Optional;
import net.lorawanns.core.backend.JoinResult;
import net.lorawanns.core.backend.KeyEnvelope;
import net.lorawanns.core.types.Hex;

/**
 * A JoinAns (TS002-1.1 section 6.2.2.2): the Result, and on success the encrypted join-accept, the session keys as
 * KeyEnvelopes (NwkSKey for a LoRaWAN 1.0 session, FNwkSIntKey/SNwkSIntKey/NwkSEncKey for 1.1), the AppSKey
 * (absent when the application server fetches it with AppSKeyReq), the SessionKeyID and the Lifetime in seconds.
 */
public record JoinAns(MessageHeader header, JoinResult result, String description, Optional<byte[]> phyPayload,
                      Optional<Long> lifetime, Optional<KeyEnvelope> nwkSKey, Optional<KeyEnvelope> fNwkSIntKey,
                      Optional<KeyEnvelope> sNwkSIntKey, Optional<KeyEnvelope> nwkSEncKey,
                      Optional<KeyEnvelope> appSKey, Optional<String> sessionKeyId) {

    /** A failure answer. */
    public static JoinAns failed(MessageHeader header, JoinResult result, String description) {
        return new JoinAns(header, result, description, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static JoinAns fromJson(JsonObject json) {
        return fromJson(json, JoinReq.ANSWER_TYPE);
    }

    /** Reads a JoinAns, or a RejoinAns (the same fields) with {@code answerType} {@link RejoinReq#ANSWER_TYPE}. */
    public static JoinAns fromJson(JsonObject json, String answerType) {
        MessageHeader header = MessageHeader.fromJson(json);
        if (!header.messageType().equals(answerType)) {
            throw new MalformedMessageException("MessageType is '" + header.messageType() + "', expected "
                    + answerType);
        }
        JsonObject result = json.getValue("Result") instanceof JsonObject object ? object : null;
        if (result == null) {
            throw new MalformedMessageException("Result is missing");
        }
        String code = BiJson.text(result, "ResultCode");
        JoinResult joinResult = JoinResult.fromCode(code)
                .orElseThrow(() -> new MalformedMessageException("Result.ResultCode '" + code + "' is not a known code"));
        String description = BiJson.optionalText(result, "Description").orElse("");
        Optional<byte[]> phy = BiJson.optionalText(json, "PHYPayload").isPresent()
                ? Optional.of(BiJson.hex(json, "PHYPayload", false)) : Optional.empty();
        Optional<String> sessionKeyId = BiJson.optionalText(json, "SessionKeyID").isPresent()
                ? Optional.of(Hex.lower(BiJson.hex(json, "SessionKeyID", false))) : Optional.empty();
        return new JoinAns(header, joinResult, description, phy, BiJson.optionalNumber(json, "Lifetime"),
                BiJson.envelope(json, "NwkSKey"), BiJson.envelope(json, "FNwkSIntKey"),
                BiJson.envelope(json, "SNwkSIntKey"), BiJson.envelope(json, "NwkSEncKey"),
                BiJson.envelope(json, "AppSKey"), sessionKeyId);
    }

    public JsonObject toJson() {
        JsonObject json = header.toJson().put("Result", new JsonObject().put("ResultCode", result.code())
                .put("Description", description));
        phyPayload.ifPresent(phy -> json.put("PHYPayload", Hex.lower(phy)));
        lifetime.ifPresent(seconds -> json.put("Lifetime", seconds));
        nwkSKey.ifPresent(key -> json.put("NwkSKey", BiJson.envelope(key)));
        fNwkSIntKey.ifPresent(key -> json.put("FNwkSIntKey", BiJson.envelope(key)));
        sNwkSIntKey.ifPresent(key -> json.put("SNwkSIntKey", BiJson.envelope(key)));
        nwkSEncKey.ifPresent(key -> json.put("NwkSEncKey", BiJson.envelope(key)));
        appSKey.ifPresent(key -> json.put("AppSKey", BiJson.envelope(key)));
        sessionKeyId.ifPresent(id -> json.put("SessionKeyID", id));
        return json;
    }

    @Override
    public String toString() {
        return "JoinAns[" + result.code() + ", transaction " + header.transactionId() + "]";
    }
}
