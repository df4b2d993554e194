package net.lorawanns.core.backend;

import io.vertx.core.json.JsonObject;
import java.util.Optional;
import net.lorawanns.core.frame.CfList;
import net.lorawanns.core.frame.DlSettings;
import net.lorawanns.core.frame.Frame;
import net.lorawanns.core.frame.FrameCodec;
import net.lorawanns.core.frame.JoinRequest;
import net.lorawanns.core.frame.MalformedFrameException;
import net.lorawanns.core.join.JoinRequestContext;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.Hex;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.NetId;

/**
 * A JoinReq (TS002-1.1 section 6.2.2.1): the network server's join-request for the join server, with the values it
 * chose for the join-accept. SenderID is the requesting network's NetID, ReceiverID the JoinEUI.
 */
public record JoinReq(MessageHeader header, JoinRequestContext context) {
    public static final String TYPE = "JoinReq";
    public static final String ANSWER_TYPE = "JoinAns";

    /** A JoinReq from our network for the given join-request. */
    public static JoinReq of(String protocolVersion, long transactionId, Optional<String> senderNsId,
                             JoinRequestContext context) {
        return new JoinReq(new MessageHeader(protocolVersion, context.netId().toString(),
                context.request().joinEui().toString(), transactionId, TYPE, senderNsId, Optional.empty()), context);
    }

    /** Reads a JoinReq; the header has been read already. */
    public static JoinReq fromJson(MessageHeader header, JsonObject json) {
        NetId netId;
        try {
            netId = NetId.parse(header.senderId());
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("SenderID must be a NetID (6 hex digits), got '" + header.senderId() + "'");
        }
        MacVersion macVersion;
        try {
            macVersion = MacVersion.parse(BiJson.text(json, "MACVersion"));
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("MACVersion: " + e.getMessage());
        }
        byte[] phy = BiJson.hex(json, "PHYPayload", false);
        Frame frame;
        try {
            frame = FrameCodec.decode(phy);
        } catch (MalformedFrameException e) {
            throw new MalformedMessageException("PHYPayload is not a LoRaWAN frame: " + e.getMessage());
        }
        if (!(frame instanceof JoinRequest request)) {
            throw new MalformedMessageException("PHYPayload is a " + frame.mType() + ", not a join-request");
        }
        Eui64 devEui = Eui64.fromBigEndian(BiJson.hex(json, "DevEUI", Eui64.SIZE), 0);
        if (!devEui.equals(request.devEui())) {
            throw new MalformedMessageException("DevEUI " + devEui + " is not the join-request's " + request.devEui());
        }
        DevAddr devAddr = DevAddr.parse(Hex.upper(BiJson.hex(json, "DevAddr", DevAddr.SIZE)));
        DlSettings dlSettings = DlSettings.decode(BiJson.hex(json, "DLSettings", 1)[0] & 0xFF);
        long rxDelay = BiJson.number(json, "RxDelay");
        if (rxDelay < 0 || rxDelay > 15) {
            throw new MalformedMessageException("RxDelay must be 0-15, got " + rxDelay);
        }
        Optional<CfList> cfList = Optional.empty();
        if (BiJson.optionalText(json, "CFList").isPresent()) {
            byte[] bytes = BiJson.hex(json, "CFList", CfList.SIZE);
            try {
                cfList = Optional.of(CfList.decode(bytes, 0));
            } catch (MalformedFrameException e) {
                throw new MalformedMessageException("CFList: " + e.getMessage());
            }
        }
        return new JoinReq(header, new JoinRequestContext(phy, request, macVersion, netId, devAddr, dlSettings,
                (int) rxDelay, cfList));
    }

    public JsonObject toJson() {
        JsonObject json = header.toJson().put("MACVersion", context.macVersion() == MacVersion.LORAWAN_1_1_0
                        ? "1.1" : context.macVersion().toString())
                .put("PHYPayload", Hex.lower(context.phyPayload()))
                .put("DevEUI", context.request().devEui().toString())
                .put("DevAddr", context.devAddr().toString())
                .put("DLSettings", Hex.lower(new byte[] {(byte) context.dlSettings().encode()}))
                .put("RxDelay", context.rxDelay());
        context.cfList().ifPresent(cfList -> json.put("CFList", Hex.lower(cfList.encode())));
        return json;
    }
}
