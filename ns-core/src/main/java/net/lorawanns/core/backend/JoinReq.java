package net.lorawanns.core.backend;

import io.vertx.core.json.JsonObject;
import java.util.Optional;
import net.lorawanns.core.backend.JoinRequestContext;
import net.lorawanns.core.frame.CfList;
import net.lorawanns.core.frame.DlSettings;
import net.lorawanns.core.frame.Frame;
import net.lorawanns.core.frame.FrameCodec;
import net.lorawanns.core.frame.JoinRequest;
import net.lorawanns.core.frame.MalformedFrameException;
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
        NetId netId = senderNetId(header);
        MacVersion macVersion = macVersion(json);
        byte[] phy = BiJson.hex(json, "PHYPayload", false);
        if (!(frame(phy) instanceof JoinRequest request)) {
            throw new MalformedMessageException("PHYPayload is a " + frame(phy).mType() + ", not a join-request");
        }
        requireDevEui(json, request.devEui());
        return new JoinReq(header, new JoinRequestContext(phy, request, macVersion, netId, devAddr(json),
                dlSettings(json), rxDelay(json), cfList(json)));
    }

    static NetId senderNetId(MessageHeader header) {
        try {
            return NetId.parse(header.senderId());
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("SenderID must be a NetID (6 hex digits), got '" + header.senderId() + "'");
        }
    }

    static MacVersion macVersion(JsonObject json) {
        try {
            return MacVersion.parse(BiJson.text(json, "MACVersion"));
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("MACVersion: " + e.getMessage());
        }
    }

    static Frame frame(byte[] phy) {
        try {
            return FrameCodec.decode(phy);
        } catch (MalformedFrameException e) {
            throw new MalformedMessageException("PHYPayload is not a LoRaWAN frame: " + e.getMessage());
        }
    }

    static void requireDevEui(JsonObject json, Eui64 inFrame) {
        Eui64 devEui = Eui64.fromBigEndian(BiJson.hex(json, "DevEUI", Eui64.SIZE), 0);
        if (!devEui.equals(inFrame)) {
            throw new MalformedMessageException("DevEUI " + devEui + " is not the PHYPayload's " + inFrame);
        }
    }

    static DevAddr devAddr(JsonObject json) {
        return DevAddr.parse(Hex.upper(BiJson.hex(json, "DevAddr", DevAddr.SIZE)));
    }

    static DlSettings dlSettings(JsonObject json) {
        return DlSettings.decode(BiJson.hex(json, "DLSettings", 1)[0] & 0xFF);
    }

    static int rxDelay(JsonObject json) {
        long rxDelay = BiJson.number(json, "RxDelay");
        if (rxDelay < 0 || rxDelay > 15) {
            throw new MalformedMessageException("RxDelay must be 0-15, got " + rxDelay);
        }
        return (int) rxDelay;
    }

    static Optional<CfList> cfList(JsonObject json) {
        if (BiJson.optionalText(json, "CFList").isEmpty()) {
            return Optional.empty();
        }
        byte[] bytes = BiJson.hex(json, "CFList", CfList.SIZE);
        try {
            return Optional.of(CfList.decode(bytes, 0));
        } catch (MalformedFrameException e) {
            throw new MalformedMessageException("CFList: " + e.getMessage());
        }
    }

    /** The MACVersion as Backend Interfaces peers spell it: "1.1" for LoRaWAN 1.1. */
    static String macVersionText(MacVersion version) {
        return version == MacVersion.LORAWAN_1_1_0 ? "1.1" : version.toString();
    }

    public JsonObject toJson() {
        JsonObject json = header.toJson().put("MACVersion", macVersionText(context.macVersion()))
                .put("PHYPayload", Hex.lower(context.phyPayload()))
                .put("DevEUI", context.request().devEui().toString())
                .put("DevAddr", context.devAddr().toString())
                .put("DLSettings", Hex.lower(new byte[] {(byte) context.dlSettings().encode()}))
                .put("RxDelay", context.rxDelay());
        context.cfList().ifPresent(cfList -> json.put("CFList", Hex.lower(cfList.encode())));
        return json;
    }
}
