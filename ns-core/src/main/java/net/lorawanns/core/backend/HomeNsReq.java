package net.lorawanns.core.backend;

import io.vertx.core.json.JsonObject;
import net.lorawanns.core.types.Eui64;

/**
 * A HomeNSReq (TS002-1.1 section 12, Backend Interfaces 1.0 alike): a network server asks a device's join server
 * for the device's home network. It changes nothing at the join server, which answers a HomeNSAns whose Result is
 * Success (with HNetID) or, for a DevEUI it does not know, UnknownDevEUI. SenderID is our NetID, ReceiverID the
 * JoinEUI.
 */
public record HomeNsReq(MessageHeader header, Eui64 devEui) {
    public static final String TYPE = "HomeNSReq";
    public static final String ANSWER_TYPE = "HomeNSAns";

    public JsonObject toJson() {
        return header.toJson().put("DevEUI", devEui.toString());
    }
}
