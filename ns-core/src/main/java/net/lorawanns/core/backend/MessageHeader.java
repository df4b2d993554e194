package net.lorawanns.core.backend;

import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * The fields every Backend Interfaces message starts with (TS002-1.1 section 17.1): ProtocolVersion "1.0" or
 * "1.1", SenderID and ReceiverID (a NetID, JoinEUI or AS-ID as hex or text), TransactionID, MessageType, and for
 * 1.1 the NSIDs of the network servers.
 */
public record MessageHeader(String protocolVersion, String senderId, String receiverId, long transactionId,
                            String messageType, Optional<String> senderNsId, Optional<String> receiverNsId) {

    public static MessageHeader fromJson(JsonObject json) {
        String version = BiJson.text(json, "ProtocolVersion");
        if (!version.equals("1.0") && !version.equals("1.1")) {
            throw new UnsupportedVersionException(version);
        }
        long transactionId = BiJson.optionalNumber(json, "TransactionID").orElse(0L);
        if (transactionId < 0 || transactionId > 0xFFFF_FFFFL) {
            throw new MalformedMessageException("TransactionID must fit in 32 bits, got " + transactionId);
        }
        return new MessageHeader(version, BiJson.text(json, "SenderID"), BiJson.text(json, "ReceiverID"),
                transactionId, BiJson.text(json, "MessageType"), BiJson.optionalText(json, "SenderNSID"),
                BiJson.optionalText(json, "ReceiverNSID"));
    }

    public boolean isVersion11() {
        return protocolVersion.equals("1.1");
    }

    /** The header of the answer: same version and transaction, sender and receiver swapped. */
    public MessageHeader answer(String answerType) {
        return new MessageHeader(protocolVersion, receiverId, senderId, transactionId, answerType, receiverNsId,
                senderNsId);
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("ProtocolVersion", protocolVersion).put("SenderID", senderId)
                .put("ReceiverID", receiverId).put("TransactionID", transactionId).put("MessageType", messageType);
        if (isVersion11()) {
            senderNsId.ifPresent(id -> json.put("SenderNSID", id));
            receiverNsId.ifPresent(id -> json.put("ReceiverNSID", id));
        }
        return json;
    }

    /** A ProtocolVersion other than 1.0 and 1.1: answered with InvalidProtocolVersion. */
    public static final class UnsupportedVersionException extends RuntimeException {
        public UnsupportedVersionException(String version) {
            super("ProtocolVersion must be 1.0 or 1.1, got '" + version + "'", null, false, false);
        }
    }
}
