package net.lorawanns.core.backend;

import io.vertx.core.json.JsonObject;
import java.util.Optional;
import net.lorawanns.core.backend.RejoinRequestContext;
import net.lorawanns.core.frame.RejoinRequest;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.Hex;

/**
 * A RejoinReq (TS002-1.1): the network server's rejoin-request for the join server, with the fields of a JoinReq
 * (MACVersion, PHYPayload, DevEUI, DevAddr, DLSettings, RxDelay, CFList). SenderID is the requesting network's NetID,
 * ReceiverID the JoinEUI of the device's join server. The answer, a RejoinAns, has the fields of a JoinAns
 * ({@link JoinAns#fromJson(JsonObject, String)} with {@link #ANSWER_TYPE}).
 */
public record RejoinReq(MessageHeader header, RejoinRequestContext context) {
    public static final String TYPE = "RejoinReq";
    public static final String ANSWER_TYPE = "RejoinAns";

    /** A RejoinReq from our network for the given rejoin-request. */
    public static RejoinReq of(long transactionId, Optional<String> senderNsId, RejoinRequestContext context) {
        // RejoinReq exists from Backend Interfaces 1.1 on.
        return new RejoinReq(new MessageHeader("1.1", context.netId().toString(), context.joinEui().toString(),
                transactionId, TYPE, senderNsId, Optional.empty()), context);
    }

    /** Reads a RejoinReq; the header has been read already. ReceiverID must be a JoinEUI. */
    public static RejoinReq fromJson(MessageHeader header, JsonObject json) {
        if (!header.isVersion11()) {
            throw new MalformedMessageException("RejoinReq exists from Backend Interfaces 1.1 on, not in "
                    + header.protocolVersion());
        }
        Eui64 joinEui;
        try {
            joinEui = Eui64.parse(header.receiverId());
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("ReceiverID must be a JoinEUI (16 hex digits), got '"
                    + header.receiverId() + "'");
        }
        byte[] phy = BiJson.hex(json, "PHYPayload", false);
        if (!(JoinReq.frame(phy) instanceof RejoinRequest request)) {
            throw new MalformedMessageException("PHYPayload is a " + JoinReq.frame(phy).mType()
                    + ", not a rejoin-request");
        }
        JoinReq.requireDevEui(json, request.devEui());
        if (request instanceof RejoinRequest.JoinEuiType type1 && !type1.joinEui().equals(joinEui)) {
            throw new MalformedMessageException("ReceiverID " + joinEui + " is not the rejoin-request's JoinEUI "
                    + type1.joinEui());
        }
        return new RejoinReq(header, new RejoinRequestContext(phy, request, joinEui, JoinReq.macVersion(json),
                JoinReq.senderNetId(header), JoinReq.devAddr(json), JoinReq.dlSettings(json), JoinReq.rxDelay(json),
                JoinReq.cfList(json)));
    }

    public JsonObject toJson() {
        JsonObject json = header.toJson().put("MACVersion", JoinReq.macVersionText(context.macVersion()))
                .put("PHYPayload", Hex.lower(context.phyPayload()))
                .put("DevEUI", context.request().devEui().toString())
                .put("DevAddr", context.devAddr().toString())
                .put("DLSettings", Hex.lower(new byte[] {(byte) context.dlSettings().encode()}))
                .put("RxDelay", context.rxDelay());
        context.cfList().ifPresent(cfList -> json.put("CFList", Hex.lower(cfList.encode())));
        return json;
    }
}
